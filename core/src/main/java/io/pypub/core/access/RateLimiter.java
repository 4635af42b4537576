package io.pypub.core.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Request rate per key, one token bucket per key in this instance's memory. Rate limits are
 * therefore per instance (N instances behind a balancer allow up to N times the rate); they guard
 * each instance against a runaway client. Download quotas are the global limit, counted in DynamoDB.
 */
public final class RateLimiter {
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimiter() {
        this(System::nanoTime);
    }

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** 0 when the request may go ahead, otherwise the whole seconds to wait (at least 1) for Retry-After. */
    public long retryAfterSeconds(ApiKey key) {
        KeyPolicy p = key.policy();
        if (p.ratePerSecond() <= 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        // Only verified keys get here, so the map is bounded by the number of real keys.
        TokenBucket bucket = buckets.compute(key.keyId(), (id, b) ->
                b != null && b.sameLimits(p.ratePerSecond(), p.burst()) ? b : new TokenBucket(p.ratePerSecond(), p.burst(), now));
        long waitNanos = bucket.take(now);
        return waitNanos == 0 ? 0 : Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }
}
