package io.pypub.server.access;

import java.time.Duration;
import java.util.List;

/**
 * How the index guards access.
 *
 * @param enabled false serves everything without credentials (demo, local use); audit and input checks stay on
 * @param trustedProxies addresses or CIDR ranges of proxies whose X-Forwarded-For is believed
 * @param cacheTtl how long key and user records are cached: the delay before a revocation takes effect
 * @param failedAuthLimit costly failed logins (table reads of unknown key ids, bcrypt checks of wrong docs passwords) from one
 *     address within {@code failedAuthWindow} after which that address may no longer cause costly checks (table
 *     reads of unknown key ids, password hashes); valid keys and recently verified logins still pass
 * @param usageFlushInterval how long downloads of keys without a quota are added up before they are
 *     written (zero: each at once, as downloads of keys with a quota always are)
 * @param keyFailureLimit failed attempts with one key id within {@code failedAuthWindow} after which further
 *     failed attempts with that id get 429 (its right secret still passes)
 * @param passwordCheckPermits how many docs password checks (bcrypt) may run at once
 * @param passwordCheckWait how long a docs login waits for one of those permits before it gets 503
 * @param sessionSecret the key that signs sign-in cookies (the session-secret setting), or null for a random one per process
 */
public record AccessSettings(boolean enabled, List<String> trustedProxies, Duration cacheTtl, int failedAuthLimit,
        Duration failedAuthWindow, Duration usageFlushInterval, int keyFailureLimit, int passwordCheckPermits,
        Duration passwordCheckWait, String sessionSecret) {

    public static final int DEFAULT_FAILED_AUTH_LIMIT = 20;
    public static final int DEFAULT_KEY_FAILURE_LIMIT = 20;

    public AccessSettings {
        trustedProxies = List.copyOf(trustedProxies);
        if (passwordCheckPermits < 1) {
            throw new IllegalArgumentException("At least one password check must be allowed at a time");
        }
    }

    /**
     * Access control as the effective settings say ({@code no-auth}, {@code trusted-proxy},
     * {@code key-cache-seconds}, the failure limits, {@code password-checks}; {@code usage-flush-seconds}
     * only where {@code flushUsage}: a frozen Lambda instance could not write buffered counts out; the
     * catalogue does not mark it as read by Lambda either).
     */
    public static AccessSettings from(io.pypub.core.config.Config c, boolean flushUsage) {
        AccessSettings base = Boolean.TRUE.equals(c.get(io.pypub.core.config.Settings.NO_AUTH)) ? disabled() : enforcing();
        List<String> proxies = c.get(io.pypub.core.config.Settings.TRUSTED_PROXIES);
        return base.withTrustedProxies(proxies == null ? List.of() : proxies)
                .withCacheTtl(millis(c.get(io.pypub.core.config.Settings.KEY_CACHE_SECONDS)))
                .withUsageFlushInterval(flushUsage ? millis(c.get(io.pypub.core.config.Settings.USAGE_FLUSH_SECONDS)) : Duration.ZERO)
                .withFailedAuthLimit(c.get(io.pypub.core.config.Settings.FAILED_LOGIN_LIMIT), Duration.ofMinutes(1))
                .withKeyFailureLimit(c.get(io.pypub.core.config.Settings.KEY_FAILURE_LIMIT))
                .withPasswordChecks(c.get(io.pypub.core.config.Settings.PASSWORD_CHECKS), Duration.ofMillis(250))
                .withSessionSecret(c.get(io.pypub.core.config.Settings.SESSION_SECRET));
    }

    private static Duration millis(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    public static AccessSettings enforcing() {
        return new AccessSettings(true, List.of(), Duration.ofSeconds(2), DEFAULT_FAILED_AUTH_LIMIT, Duration.ofMinutes(1),
                Duration.ZERO, DEFAULT_KEY_FAILURE_LIMIT, 1, Duration.ofMillis(250), null);
    }

    public static AccessSettings disabled() {
        return enforcing().withEnabled(false);
    }

    private AccessSettings withEnabled(boolean on) {
        return new AccessSettings(on, trustedProxies, cacheTtl, failedAuthLimit, failedAuthWindow, usageFlushInterval,
                keyFailureLimit, passwordCheckPermits, passwordCheckWait, sessionSecret);
    }

    public AccessSettings withTrustedProxies(List<String> proxies) {
        return new AccessSettings(enabled, proxies, cacheTtl, failedAuthLimit, failedAuthWindow, usageFlushInterval,
                keyFailureLimit, passwordCheckPermits, passwordCheckWait, sessionSecret);
    }

    public AccessSettings withCacheTtl(Duration ttl) {
        return new AccessSettings(enabled, trustedProxies, ttl, failedAuthLimit, failedAuthWindow, usageFlushInterval,
                keyFailureLimit, passwordCheckPermits, passwordCheckWait, sessionSecret);
    }

    public AccessSettings withFailedAuthLimit(int limit, Duration window) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, limit, window, usageFlushInterval, keyFailureLimit,
                passwordCheckPermits, passwordCheckWait, sessionSecret);
    }

    public AccessSettings withUsageFlushInterval(Duration interval) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, failedAuthLimit, failedAuthWindow, interval,
                keyFailureLimit, passwordCheckPermits, passwordCheckWait, sessionSecret);
    }

    public AccessSettings withKeyFailureLimit(int limit) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, failedAuthLimit, failedAuthWindow, usageFlushInterval,
                limit, passwordCheckPermits, passwordCheckWait, sessionSecret);
    }

    public AccessSettings withPasswordChecks(int permits, Duration wait) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, failedAuthLimit, failedAuthWindow, usageFlushInterval,
                keyFailureLimit, permits, wait, sessionSecret);
    }

    public AccessSettings withSessionSecret(String secret) {
        return new AccessSettings(enabled, trustedProxies, cacheTtl, failedAuthLimit, failedAuthWindow, usageFlushInterval,
                keyFailureLimit, passwordCheckPermits, passwordCheckWait, secret);
    }

    /** Never the session secret: settings are logged and compared in tests. */
    @Override
    public String toString() {
        return "AccessSettings[enabled=" + enabled + ", trustedProxies=" + trustedProxies + ", cacheTtl=" + cacheTtl
                + ", failedAuthLimit=" + failedAuthLimit + ", usageFlushInterval=" + usageFlushInterval + ", keyFailureLimit="
                + keyFailureLimit + ", passwordCheckPermits=" + passwordCheckPermits + ", sessionSecret="
                + (sessionSecret == null ? "(random per process)" : "******** (set)") + "]";
    }
}
