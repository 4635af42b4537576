package io.pypub.server.access;

import java.time.Duration;
import java.util.List;

/**
 * How the index guards access.
 *
 * @param enabled false serves everything without credentials (demo, local use); audit and input checks stay on
 * @param trustedProxies addresses or CIDR ranges of proxies whose X-Forwarded-For is believed
 * @param cacheTtl how long key and user records are cached: the delay before a revocation takes effect
 * @param failedAuthLimit failed logins from one address within {@code failedAuthWindow} before it gets 429
 */
/**
 * @param usageFlushInterval how long downloads of keys without a quota are added up before they are
 *     written (zero: each at once, as downloads of keys with a quota always are)
 */
public record AccessSettings(boolean enabled, List<String> trustedProxies, Duration cacheTtl, int failedAuthLimit,
        Duration failedAuthWindow, Duration usageFlushInterval) {

    public AccessSettings {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static AccessSettings enforcing() {
        return new AccessSettings(true, List.of(), Duration.ofSeconds(2), 20, Duration.ofMinutes(1), Duration.ZERO);
    }

    public static AccessSettings disabled() {
        return new AccessSettings(false, List.of(), Duration.ofSeconds(2), 20, Duration.ofMinutes(1), Duration.ZERO);
    }

    public AccessSettings withTrustedProxies(List<String> proxies) {
        return new AccessSettings(enabled, proxies, cacheTtl, failedAuthLimit, failedAuthWindow, usageFlushInterval);
    }

    public AccessSettings withCacheTtl(Duration ttl) {
        return new AccessSettings(enabled, trustedProxies, ttl, failedAuthLimit, failedAuthWindow, usageFlushInterval);
    }

    public AccessSettings withFailedAuthLimit(int limit, Duration window) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, limit, window, usageFlushInterval);
    }

    public AccessSettings withUsageFlushInterval(Duration interval) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, failedAuthLimit, failedAuthWindow, interval);
    }
}
