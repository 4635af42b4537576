package io.pypub.core.access;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down guessing: after {@code limit} failed authentications from one client address within
 * {@code window}, that address is refused (429) until the window ends. In memory per instance;
 * a guesser spread over many instances still meets the limit on each of them.
 */
public final class FailedAuthThrottle {
    private static final int MAX_TRACKED = 100_000;

    private record Window(long startNanos, int failures) {}

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public FailedAuthThrottle(int limit, Duration window) {
        this(limit, window, System::nanoTime);
    }

    FailedAuthThrottle(int limit, Duration window, LongSupplier nanoTime) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** 0 when the address may try, otherwise the seconds until it may try again. */
    public long retryAfterSeconds(String address) {
        Window w = windows.get(address);
        long now = nanoTime.getAsLong();
        if (w == null || w.failures() < limit) {
            return 0;
        }
        long left = w.startNanos() + windowNanos - now;
        if (left <= 0) {
            windows.remove(address, w);
            return 0;
        }
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    public void recordFailure(String address) {
        long now = nanoTime.getAsLong();
        if (windows.size() >= MAX_TRACKED) {
            windows.values().removeIf(w -> now - w.startNanos() >= windowNanos);
            if (windows.size() >= MAX_TRACKED) {
                windows.clear(); // a flood from very many addresses: forget rather than run out of memory
            }
        }
        windows.compute(address, (a, w) -> w == null || now - w.startNanos() >= windowNanos
                ? new Window(now, 1) : new Window(w.startNanos(), w.failures() + 1));
    }
}
