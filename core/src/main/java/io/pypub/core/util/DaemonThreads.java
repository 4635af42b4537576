package io.pypub.core.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for pypub's own pools. Daemon threads: a pool someone forgot to shut down (or one still busy
 * when a command fails) must never keep the JVM of a command line, a Jenkins agent's call or a test alive.
 */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** Every thread named {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ... in the order they are made. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, prefix + "-" + n.incrementAndGet());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
