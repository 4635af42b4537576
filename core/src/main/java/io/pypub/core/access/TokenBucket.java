package io.pypub.core.access;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code rate} per second; a request
 * takes one. Time comes from the caller (nanoseconds) so tests need not sleep.
 */
final class TokenBucket {
    private final double rate;
    private final int burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double rate, int burst, long nowNanos) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    boolean sameLimits(double rate, int burst) {
        return this.rate == rate && this.burst == burst;
    }

    /** Takes a token and returns 0, or returns the nanoseconds until one will be there (taking nothing). */
    synchronized long take(long nowNanos) {
        double elapsed = Math.max(0, nowNanos - lastNanos) / 1e9;
        tokens = Math.min(burst, tokens + elapsed * rate);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / rate * 1e9);
    }
}
