package io.pypub.core.lifecycle;

import io.pypub.core.util.DaemonThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one task per input on at most {@code parallel} threads and returns the results in the order of
 * the inputs, so what a caller prints from them does not depend on timing. Fails like a loop would: once
 * a task has thrown, no further task starts; those already running finish (each of import's tasks ends
 * with one atomic record, so stopping one halfway would gain nothing), then the first failure is thrown.
 */
final class BoundedParallel {
    private BoundedParallel() {}

    /** {@code parallel}, checked: the import's workers (projects at once) are at least one. */
    static int checked(int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("Import parallelism must be at least 1, not " + parallel);
        }
        return parallel;
    }

    static <T, R> List<R> map(List<T> inputs, int parallel, String threadName, Function<T, R> task) {
        checked(parallel);
        Object[] results = new Object[inputs.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < inputs.size(); ) {
                try {
                    results[i] = task.apply(inputs.get(i));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int threads = Math.min(parallel, inputs.size());
        if (threads <= 1) {
            worker.run(); // one at a time: in the caller's thread, exactly as a loop
        } else {
            List<Thread> started = new ArrayList<>();
            ThreadFactory factory = DaemonThreads.numbered(threadName);
            for (int t = 0; t < threads; t++) {
                Thread thread = factory.newThread(worker);
                thread.start();
                started.add(thread);
            }
            for (Thread thread : started) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    failure.compareAndSet(null, e); // no new tasks; the running ones end on their own
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException("Interrupted", e);
        }
        @SuppressWarnings("unchecked")
        List<R> out = (List<R>) Arrays.asList(results);
        return out;
    }
}
