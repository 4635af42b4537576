package io.pypub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 18, target 7: a ratio measured while other work loads the machine compares the load, not the
 * servers. Before each round {@link #await} measures how busy the CPUs are over one second (from
 * {@code /proc/stat}) while the benchmark's own servers sit idle between rounds, so what it sees is
 * other work. Not the load average: a 1-minute average still carries the benchmark's own previous round
 * (a first version refused 24 of 25 rounds of a quiet machine for its own load). Above
 * {@code bench.maxLoadPerCore} (default 0.3) times the cores it waits up to {@code bench.loadWaitSeconds}
 * (default 20) for it to fall, and if it does not, the round is "machine too busy": the caller skips it
 * and reports no ratio from it. All waits of one gate together stop at {@code bench.loadWaitTotalSeconds}
 * (default 60), which keeps a run on a busy machine within its time budget.
 */
final class LoadGate {
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final double maxLoad;
    private final int waitSeconds;
    private long waitBudgetNanos;
    private final List<Double> loads = new ArrayList<>();
    private int busyRounds;

    LoadGate(double maxLoadPerCore, int waitSeconds, int waitTotalSeconds) {
        this.maxLoad = maxLoadPerCore * cores;
        this.waitSeconds = waitSeconds;
        this.waitBudgetNanos = waitTotalSeconds * 1_000_000_000L;
    }

    static LoadGate fromSettings() {
        return new LoadGate(Double.parseDouble(Bench.setting("maxLoadPerCore", "0.3")), Bench.intSetting("loadWaitSeconds", 20),
                Bench.intSetting("loadWaitTotalSeconds", 60));
    }

    /** Waits for a quiet enough machine; true if the round may be measured, false if it is too busy. */
    boolean await(String round) {
        long start = System.nanoTime();
        long deadline = start + Math.min(waitSeconds * 1_000_000_000L, waitBudgetNanos);
        double load = busyCores();
        while (load > maxLoad && System.nanoTime() < deadline) {
            load = busyCores();
        }
        waitBudgetNanos -= System.nanoTime() - start;
        loads.add(load);
        if (load > maxLoad) {
            busyRounds++;
            System.out.printf("[bench] %s: machine too busy (load %.2f > %.2f); round not counted%n", round, load, maxLoad);
            return false;
        }
        return true;
    }

    int busyRounds() {
        return busyRounds;
    }

    String describe() {
        return "Machine load (CPU busy, in cores, over the second before each round, " + cores + " cores) before each of " + loads.size() + " rounds: "
                + String.join(", ", loads.stream().map(l -> Report.fmt(l, 2)).toList()) + ". Threshold " + Report.fmt(maxLoad, 2)
                + " (" + Report.fmt(maxLoad / cores, 2) + " per core, after waiting up to " + waitSeconds + " s a round): " + busyRounds
                + " rounds refused as \"machine too busy\" and left out of the ratios.";
    }

    /** How many cores were busy, on average, over the next second (user, nice, system, irq, softirq, steal). */
    static double busyCores() {
        long[] before = cpuTimes();
        Tools.sleep(1_000);
        long[] after = cpuTimes();
        long total = after[0] - before[0];
        long idle = after[1] - before[1];
        return total <= 0 ? 0 : (double) (total - idle) / total * Runtime.getRuntime().availableProcessors();
    }

    /** The aggregate "cpu" line of /proc/stat: total jiffies, and idle + iowait jiffies. */
    private static long[] cpuTimes() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
