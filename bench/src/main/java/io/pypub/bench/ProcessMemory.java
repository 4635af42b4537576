package io.pypub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Samples a process's resident memory and thread count from /proc/PID/status while it runs. */
final class ProcessMemory implements AutoCloseable {
    private final long pid;
    private final boolean tree;
    private final AtomicLong peakRssKb = new AtomicLong();
    private final AtomicLong peakAnonKb = new AtomicLong();
    private final AtomicLong peakThreads = new AtomicLong();
    private final Thread sampler;

    ProcessMemory(long pid) {
        this(pid, false);
    }

    /** The RSS of a process and all its descendants added up (nginx's or gunicorn's master and workers). */
    static ProcessMemory ofTree(long pid) {
        return new ProcessMemory(pid, true);
    }

    private ProcessMemory(long pid, boolean tree) {
        this.pid = pid;
        this.tree = tree;
        sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakRssKb.accumulateAndGet(tree ? treeRssKb(pid) : status(pid, "VmRSS"), Math::max);
                peakAnonKb.accumulateAndGet(status(pid, "RssAnon"), Math::max);
                peakThreads.accumulateAndGet(status(pid, "Threads"), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory of " + pid);
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The highest RSS seen: VmHWM, or a sample if the kernel's high-water mark lags behind it. */
    long peakKb() {
        return tree ? peakRssKb.get() : Math.max(peakRssKb.get(), status(pid, "VmHWM"));
    }

    private static long treeRssKb(long pid) {
        return status(pid, "VmRSS") + ProcessHandle.of(pid).map(h -> h.descendants().mapToLong(d -> status(d.pid(), "VmRSS")).sum())
                .orElse(0L);
    }

    /** The highest anonymous RSS sampled: the process's own memory (heap, metaspace, code, stacks), without mapped files. */
    long peakAnonKb() {
        return peakAnonKb.get();
    }

    long peakThreads() {
        return peakThreads.get();
    }

    /** A numeric field of /proc/PID/status (kB for memory fields), 0 if the process is gone. */
    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() throws InterruptedException {
        sampler.interrupt();
        sampler.join();
    }
}
