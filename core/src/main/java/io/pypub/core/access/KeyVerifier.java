package io.pypub.core.access;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a presented key against the access table. Key items are cached for a short time (2 s by
 * default): a busy index reads each key at most once per interval, and a revocation, rotation or
 * expiry takes effect on every instance within that interval without any cross-instance signal.
 * The secret is compared on every request (constant time), never cached as "verified".
 *
 * <p>One read per key at a time (single flight): a request that finds the entry older than half
 * the interval starts a new read; requests arriving while that read is under way keep using the
 * previous item as long as its read started less than one interval ago, and otherwise wait for the
 * new read. So nothing served comes from a read that started more than one interval earlier (the
 * revocation bound stays the interval), and at expiry only the one reading request waits for
 * DynamoDB instead of every request in flight reading it at once.
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

    /** A read of one key: started at {@code readAtNanos}; {@code previous} is the last completed read while this one runs. */
    private record Entry(CompletableFuture<Optional<ApiKey>> key, long readAtNanos, Entry previous) {}

    private final ApiKeyTable table;
    private final Clock clock;
    private final long ttlNanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    /** Per key id, the record and secret that last matched its hash. */
    private final Map<String, Matched> matched = new ConcurrentHashMap<>();

    private record Matched(ApiKey key, String secret) {}

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
        if (!secretMatches(key, token)) {
            return new Result(null, Reason.WRONG_SECRET, token.keyId());
        }
        return switch (key.status(clock.instant())) {
            case ACTIVE -> new Result(key, null, key.keyId());
            case REVOKED -> new Result(null, Reason.REVOKED, key.keyId());
            case EXPIRED -> new Result(null, Reason.EXPIRED, key.keyId());
        };
    }

    /**
     * The hash comparison, skipped when this very record (the same cache read) already matched the
     * same secret: every request of a client carries its key, and hashing it each time was a tenth
     * of the cost of serving a page. The secret is kept only as long as that record is cached.
     */
    private boolean secretMatches(ApiKey key, ApiKeyToken token) {
        Matched last = matched.get(key.keyId());
        if (last != null && last.key() == key && sameSecret(last.secret(), token.secret())) {
            return true;
        }
        if (!SecretHash.matches(key.secretHash(), token)) {
            return false;
        }
        if (matched.size() >= MAX_CACHED) {
            matched.clear();
        }
        matched.put(key.keyId(), new Matched(key, token.secret()));
        return true;
    }

    /** Constant-time, like the hash comparison: the time taken says nothing about how much was right. */
    private static boolean sameSecret(String a, String b) {
        if (a.length() != b.length()) {
            return false; // both come from parsed tokens, whose secrets all have the same length
        }
        int diff = 0;
        for (int i = 0; i < a.length(); i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }

    private Optional<ApiKey> lookup(String keyId) {
        if (ttlNanos <= 0) {
            return table.find(keyId);
        }
        while (true) {
            long now = System.nanoTime();
            Entry current = cache.get(keyId);
            if (current != null && !current.key().isDone()) {
                Entry previous = current.previous();
                if (previous != null && now - (previous.readAtNanos() + ttlNanos) < 0) {
                    return previous.key().join(); // another request is reading; the previous item is still within the interval
                }
                return await(current.key());
            }
            if (current != null && now - (current.readAtNanos() + ttlNanos / 2) < 0) {
                return current.key().join();
            }
            if (current == null && cache.size() >= MAX_CACHED) {
                cache.clear(); // random key ids from an attacker must not grow memory without bound
            }
            // Only completed, successful reads stay in the map, so current (if any) is one.
            Entry previous = current != null && now - (current.readAtNanos() + ttlNanos) < 0
                    ? new Entry(current.key(), current.readAtNanos(), null) : null;
            Entry mine = new Entry(new CompletableFuture<>(), now, previous);
            if (current == null ? cache.putIfAbsent(keyId, mine) != null : !cache.replace(keyId, current, mine)) {
                continue; // another request started a read first
            }
            try {
                Optional<ApiKey> key = table.find(keyId);
                mine.key().complete(key);
                cache.replace(keyId, mine, new Entry(mine.key(), mine.readAtNanos(), null)); // let the previous item go
                return key;
            } catch (RuntimeException | Error e) {
                cache.remove(keyId, mine); // the next request tries again
                mine.key().completeExceptionally(e);
                throw e;
            }
        }
    }

    private static Optional<ApiKey> await(CompletableFuture<Optional<ApiKey>> key) {
        try {
            return key.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // e.g. StorageException, which the index answers with 503
            }
            throw e;
        }
    }
}
