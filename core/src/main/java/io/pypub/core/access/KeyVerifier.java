package io.pypub.core.access;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a presented key against the access table. Key items are cached for a short time (2 s by
 * default): a busy index reads each key at most once per interval, and a revocation, rotation or
 * expiry takes effect on every instance within that interval without any cross-instance signal.
 * The secret is compared on every request (constant time), never cached as "verified".
 */
public final class KeyVerifier {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(2);
    private static final int MAX_CACHED = 10_000;

    public enum Reason {
        MALFORMED("not a pypub key"),
        UNKNOWN("unknown key"),
        WRONG_SECRET("unknown key"), // same words as UNKNOWN: a caller must not learn that the id exists
        REVOKED("key revoked"),
        EXPIRED("key expired");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        /** What the client is told; safe to show. */
        public String message() {
            return message;
        }
    }

    /** Verified key, or the reason it was refused (with the key id when the format was right). */
    public record Result(ApiKey key, Reason reason, String keyId) {
        public boolean ok() {
            return key != null;
        }
    }

    private record Entry(Optional<ApiKey> key, long expiresAtNanos) {}

    private final ApiKeyTable table;
    private final Clock clock;
    private final long ttlNanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public KeyVerifier(ApiKeyTable table, Clock clock, Duration cacheTtl) {
        this.table = table;
        this.clock = clock;
        this.ttlNanos = cacheTtl.toNanos();
    }

    public Result verify(String presented) {
        Optional<ApiKeyToken> parsed = ApiKeyToken.parse(presented);
        if (parsed.isEmpty()) {
            return new Result(null, Reason.MALFORMED, null);
        }
        ApiKeyToken token = parsed.get();
        Optional<ApiKey> stored = lookup(token.keyId());
        if (stored.isEmpty()) {
            return new Result(null, Reason.UNKNOWN, token.keyId());
        }
        ApiKey key = stored.get();
        if (!SecretHash.matches(key.secretHash(), token)) {
            return new Result(null, Reason.WRONG_SECRET, token.keyId());
        }
        return switch (key.status(clock.instant())) {
            case ACTIVE -> new Result(key, null, key.keyId());
            case REVOKED -> new Result(null, Reason.REVOKED, key.keyId());
            case EXPIRED -> new Result(null, Reason.EXPIRED, key.keyId());
        };
    }

    private Optional<ApiKey> lookup(String keyId) {
        long now = System.nanoTime();
        Entry e = cache.get(keyId);
        if (e != null && now - e.expiresAtNanos() < 0) {
            return e.key();
        }
        Optional<ApiKey> key = table.find(keyId);
        if (ttlNanos > 0) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear(); // random key ids from an attacker must not grow memory without bound
            }
            cache.put(keyId, new Entry(key, now + ttlNanos));
        }
        return key;
    }
}
