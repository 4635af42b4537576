package io.pypub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 18, target 7: a ratio measured while other work loads the machine compares the load, not the
 * servers. Before each round {@link #await} reads the 1-minute load average; above
 * {@code bench.maxLoadPerCore} (default 0.75) times the cores it waits up to {@code bench.loadWaitSeconds}
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
        return new LoadGate(Double.parseDouble(Bench.setting("maxLoadPerCore", "0.75")), Bench.intSetting("loadWaitSeconds", 20),
                Bench.intSetting("loadWaitTotalSeconds", 60));
    }

    /** Waits for a quiet enough machine; true if the round may be measured, false if it is too busy. */
    boolean await(String round) {
        long start = System.nanoTime();
        long deadline = start + Math.min(waitSeconds * 1_000_000_000L, waitBudgetNanos);
        double load = loadAverage();
        while (load > maxLoad && System.nanoTime() < deadline) {
            Tools.sleep(1_000);
            load = loadAverage();
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
        return "Machine load (1-minute load average, " + cores + " cores) before each of " + loads.size() + " rounds: "
                + String.join(", ", loads.stream().map(l -> Report.fmt(l, 2)).toList()) + ". Threshold " + Report.fmt(maxLoad, 2)
                + " (" + Report.fmt(maxLoad / cores, 2) + " per core, after waiting up to " + waitSeconds + " s a round): " + busyRounds
                + " rounds refused as \"machine too busy\" and left out of the ratios.";
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
