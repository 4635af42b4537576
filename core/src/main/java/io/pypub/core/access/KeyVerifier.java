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
 *
 * <p>Ids that turned out not to exist are remembered apart from the keys (a negative cache of
 * {@value #MAX_UNKNOWN} ids, each for a minute): the same unknown id costs one read a minute, and
 * a flood of random ids can neither evict real keys nor grow memory. What stops a flood of
 * <em>new</em> random ids (each of which would need a read) is the caller's choice of
 * {@code mayReadUnknown}: the index passes false for an address that has already caused too many
 * reads that found nothing, and such a request is answered {@link Reason#THROTTLED} without a
 * read unless its id is one this instance knows exists (the cache holds only keys that exist). An
 * unknown id and a wrong secret do the same work after the lookup (one SHA-256 and a constant-time
 * comparison, against a dummy hash for an unknown id).
 */
public final class KeyVerifier {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(2);
    private static final int MAX_CACHED = 10_000;
    private static final int MAX_UNKNOWN = 10_000;
    /**
     * How long an id found not to exist is believed unknown: longer than the key interval, since an
     * id is 50 random bits that nobody presents before it is created (a key deleted and then
     * restored from a backup is the exception: it works again within this time).
     */
    private static final long UNKNOWN_TTL_NANOS = Duration.ofMinutes(1).toNanos();
    /** How long before a cached answer would need a read {@link #answersFromMemory} already says it might: the answer must hold a moment later. */
    private static final long MEMORY_MARGIN_NANOS = Duration.ofMillis(50).toNanos();

    public enum Reason {
        MALFORMED("not a pypub key"),
        UNKNOWN("unknown key"),
        WRONG_SECRET("unknown key"), // same words as UNKNOWN: a caller must not learn that the id exists
        REVOKED("key revoked"),
        EXPIRED("key expired"),
        /** The key id is not known here and the caller's address may not make the index look up unknown ids for now. */
        THROTTLED("too many failed logins from this address");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        /** What the client is told; safe to show. */
        public String message() {
            return message;
        }
    }

    /**
     * Verified key, or the reason it was refused (with the key id when the format was right).
     *
     * @param costly true when finding out cost a table read that found nothing (an unknown id not yet remembered)
     */
    public record Result(ApiKey key, Reason reason, String keyId, boolean costly) {
        public Result(ApiKey key, Reason reason, String keyId) {
            this(key, reason, keyId, false);
        }

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
    /** Key ids found not to exist, with the System.nanoTime() until which that answer stands. */
    private final Map<String, Long> unknown = new ConcurrentHashMap<>();
    /** Compared against for an unknown id, so that it costs what a wrong secret costs. */
    private final String dummyHash = SecretHash.of(ApiKeyToken.generate(new java.security.SecureRandom()));
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

    private record Matched(ApiKey key, String secret) {}

    public KeyVerifier(ApiKeyTable table, Clock clock, Duration cacheTtl) {
        this.table = table;
        this.clock = clock;
        this.ttlNanos = cacheTtl.toNanos();
    }

    public Result verify(String presented) {
        return verify(presented, true);
    }

    /**
     * Checks a key; with {@code mayReadUnknown} false, an id that is neither cached nor known to be
     * unknown is refused ({@link Reason#THROTTLED}) without reading the table.
     */
    public Result verify(String presented, boolean mayReadUnknown) {
        Optional<ApiKeyToken> parsed = ApiKeyToken.parse(presented);
        if (parsed.isEmpty()) {
            return new Result(null, Reason.MALFORMED, null);
        }
        ApiKeyToken token = parsed.get();
        boolean remembered = rememberedUnknown(token.keyId());
        Optional<ApiKey> stored = lookup(token.keyId(), mayReadUnknown);
        if (stored == null) {
            return new Result(null, Reason.THROTTLED, token.keyId());
        }
        if (stored.isEmpty()) {
            SecretHash.matches(dummyHash, token); // the work a wrong secret costs: the answer must not tell them apart
            return new Result(null, Reason.UNKNOWN, token.keyId(), !remembered);
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
     * Whether {@link #verify} would answer {@code presented} from memory, without reading the table or waiting for
     * another request's read: a malformed key, an id remembered as unknown, or a cached record well within the half
     * interval after which the next request reads it again. The index serves such requests on the thread that read
     * them, which must not wait for DynamoDB; a false answer only costs a hand-off to another thread.
     */
    public boolean answersFromMemory(String presented) {
        Optional<ApiKeyToken> parsed = ApiKeyToken.parse(presented);
        if (parsed.isEmpty()) {
            return true;
        }
        if (ttlNanos <= 0) {
            return false;
        }
        String keyId = parsed.get().keyId();
        long margin = Math.min(ttlNanos / 8, MEMORY_MARGIN_NANOS);
        long now = System.nanoTime();
        Entry current = cache.get(keyId);
        if (current == null) {
            Long until = unknown.get(keyId);
            return until != null && until - now > margin;
        }
        if (!current.key().isDone()) { // a read under way: lookup serves the previous record while it is within the interval
            Entry previous = current.previous();
            return previous != null && previous.readAtNanos() + ttlNanos - now > margin;
        }
        return !current.key().isCompletedExceptionally() && current.readAtNanos() + ttlNanos / 2 - now > margin;
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

    /**
     * The stored key of an id this index issued a session for, through the same cache as
     * {@link #verify}: a revoked, rotated or expired key is seen within the cache interval.
     */
    public Optional<ApiKey> current(String keyId) {
        Optional<ApiKey> key = lookup(keyId, true);
        return key == null ? Optional.empty() : key;
    }

    /** How many times the table was read (for metrics and tests). */
    public long reads() {
        return reads.get();
    }

    /** The stored key, empty if there is none, or null if it was not read because {@code mayRead} is false. */
    private Optional<ApiKey> lookup(String keyId, boolean mayRead) {
        if (ttlNanos <= 0) {
            reads.incrementAndGet();
            return table.find(keyId);
        }
        while (true) {
            long now = System.nanoTime();
            Entry current = cache.get(keyId);
            if (current == null) {
                Long until = unknown.get(keyId);
                if (until != null && now - until < 0) {
                    return Optional.empty();
                }
                if (!mayRead) {
                    return null;
                }
            }
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
                reads.incrementAndGet();
                Optional<ApiKey> key = table.find(keyId);
                if (key.isEmpty()) {
                    rememberUnknown(keyId, now);
                    mine.key().complete(key);
                    cache.remove(keyId, mine); // only keys that exist stay in the cache: random ids must not evict them
                    return key;
                }
                unknown.remove(keyId);
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

    private boolean rememberedUnknown(String keyId) {
        Long until = unknown.get(keyId);
        return until != null && System.nanoTime() - until < 0;
    }

    private void rememberUnknown(String keyId, long now) {
        if (unknown.size() >= MAX_UNKNOWN) {
            unknown.values().removeIf(until -> now - until >= 0);
            if (unknown.size() >= MAX_UNKNOWN) {
                unknown.clear(); // a flood of random ids: forget them (each may cost one more read), never the keys
            }
        }
        unknown.put(keyId, now + Math.max(ttlNanos, UNKNOWN_TTL_NANOS));
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
