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
public record AccessSettings(boolean enabled, List<String> trustedProxies, Duration cacheTtl, int failedAuthLimit,
        Duration failedAuthWindow) {

    public AccessSettings {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static AccessSettings enforcing() {
        return new AccessSettings(true, List.of(), Duration.ofSeconds(2), 20, Duration.ofMinutes(1));
    }

    public static AccessSettings disabled() {
        return new AccessSettings(false, List.of(), Duration.ofSeconds(2), 20, Duration.ofMinutes(1));
    }

    public AccessSettings withTrustedProxies(List<String> proxies) {
        return new AccessSettings(enabled, proxies, cacheTtl, failedAuthLimit, failedAuthWindow);
    }

    public AccessSettings withCacheTtl(Duration ttl) {
        return new AccessSettings(enabled, trustedProxies, ttl, failedAuthLimit, failedAuthWindow);
    }

    public AccessSettings withFailedAuthLimit(int limit, Duration window) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, limit, window);
    }
}
