package io.pypub.core.access;

import io.pypub.core.release.Stage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Docs users: administration (add, remove, passwd, list) and login checks for the index.
 *
 * <p>bcrypt costs ~0.2 s of CPU by design, and a browser loading one docs page sends the same
 * Basic credentials with every stylesheet and script. So a successful check is remembered for a
 * few minutes under an HMAC (random per-process key) of (name, password), with the stored hash it
 * matched, which is compared with the (2 s) record on every use: a changed password or a removed
 * user invalidates it within the record cache's seconds, and the memory holds no password.
 * Failed checks are never remembered.
 *
 * <p>The CPU that checks can take is bounded: bcrypt runs with one of a few permits (default 1),
 * and a login that cannot get one within a short wait is answered "busy" rather than queued; the
 * index also stops checking for an address with too many failures. A remembered login needs
 * neither, so real users keep working while a flood of bad logins is turned away.
 */
public final class DocsUsers {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(2);
    private static final long VERIFIED_TTL_NANOS = Duration.ofMinutes(5).toNanos();
    private static final int MAX_CACHED = 10_000;

    private record CachedUser(Optional<DocsUser> user, long expiresAtNanos) {}

    public static final int DEFAULT_HASHING_PERMITS = 1;
    public static final Duration DEFAULT_HASHING_WAIT = Duration.ofMillis(250);

    private final java.util.concurrent.Semaphore hashing;
    private final long hashWaitNanos;
    private final DocsUserTable table;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final long ttlNanos;
    private final byte[] processKey = new byte[32];
    private final Map<String, CachedUser> users = new ConcurrentHashMap<>();
    /** HMAC of (name, password) of a login verified in the last minutes, to the stored hash it matched. */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private volatile String dummyHash;

    private record Verified(String storedHash, long untilNanos) {}

    public DocsUsers(DocsUserTable table, PasswordHasher hasher, Clock clock, Duration cacheTtl) {
        this(table, hasher, clock, cacheTtl, DEFAULT_HASHING_PERMITS, DEFAULT_HASHING_WAIT);
    }

    /**
     * @param hashingPermits how many bcrypt checks may run at once (each takes a core for ~0.2 s)
     * @param hashingWait how long a login waits for a permit before it is answered "busy"
     */
    public DocsUsers(DocsUserTable table, PasswordHasher hasher, Clock clock, Duration cacheTtl, int hashingPermits,
            Duration hashingWait) {
        if (hashingPermits < 1) {
            throw new IllegalArgumentException("At least one password check must be allowed at a time");
        }
        this.hashing = new java.util.concurrent.Semaphore(hashingPermits, true);
        this.hashWaitNanos = hashingWait.toNanos();
        this.table = table;
        this.hasher = hasher;
        this.clock = clock;
        this.ttlNanos = cacheTtl.toNanos();
        new SecureRandom().nextBytes(processKey);
    }

    public DocsUser add(String name, Collection<String> stages, String password) {
        DocsUser.validName(name);
        var now = clock.instant();
        DocsUser user = new DocsUser(name, validStages(stages), hasher.hash(password), now, now);
        table.insert(user);
        return user;
    }

    public void remove(String name) {
        table.delete(DocsUser.validName(name));
    }

    public DocsUser passwd(String name, String password) {
        DocsUser u = table.find(DocsUser.validName(name)).orElseThrow(() -> DocsUserTable.noSuchUser(name));
        DocsUser changed = new DocsUser(u.name(), u.stages(), hasher.hash(password), u.created(), clock.instant());
        table.replace(changed);
        return changed;
    }

    public List<DocsUser> list() {
        return table.all();
    }

    /** The user if name and password are right; empty otherwise (same time either way, so names cannot be probed). */
    public Optional<DocsUser> authenticate(String name, String password) {
        Login login = login(name, password, true);
        return Optional.ofNullable(login.user());
    }

    /** The stored user, through the record cache (a signed-in session is re-checked against it on every request). */
    public Optional<DocsUser> current(String name) {
        return isPlausibleName(name) ? lookup(name) : Optional.empty();
    }

    /** How a login check ended. */
    public enum Outcome {
        /** Name and password are right. */
        OK,
        /** Wrong name or password (a password hash was computed). */
        WRONG,
        /** Not checked: it would need a password hash, and the caller said it may not have one now. */
        THROTTLED,
        /** Not checked: every permit to hash was taken for longer than the wait. */
        BUSY
    }

    /** The outcome, with the user when it is {@link Outcome#OK}. */
    public record Login(Outcome outcome, DocsUser user) {}

    /**
     * Checks a login. A login verified in the last minutes costs an HMAC and a cached record; any
     * other costs a bcrypt (also for unknown names, so that timing tells nothing), which runs only
     * with one of the few hashing permits: with {@code mayHash} false it is not run at all
     * ({@link Outcome#THROTTLED}, and no record is read), and when no permit comes within the wait
     * the answer is {@link Outcome#BUSY}. So a flood of bad logins uses at most that many cores.
     */
    public Login login(String name, String password, boolean mayHash) {
        boolean plausible = isPlausibleName(name);
        String proof = plausible && password != null ? proof(name, password) : null;
        Verified known = proof == null ? null : verified.get(proof);
        if (known != null && System.nanoTime() - known.untilNanos() < 0) {
            // Verified before against this stored hash: if the record (cached, or read for this real user) still has it, OK.
            Optional<DocsUser> current = lookup(name);
            if (current.isPresent() && current.get().passwordHash().equals(known.storedHash())) {
                return new Login(Outcome.OK, current.get());
            }
            verified.remove(proof, known); // password changed or user removed
        }
        if (!mayHash) {
            return new Login(Outcome.THROTTLED, null);
        }
        Optional<DocsUser> user = plausible ? lookup(name) : Optional.empty();
        String stored = user.map(DocsUser::passwordHash).orElseGet(this::dummyHash); // an unknown name costs the same bcrypt
        boolean matches;
        try {
            if (!hashing.tryAcquire(hashWaitNanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                return new Login(Outcome.BUSY, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Login(Outcome.BUSY, null);
        }
        try {
            matches = hasher.matches(password, stored);
        } finally {
            hashing.release();
        }
        if (user.isEmpty() || !matches) {
            return new Login(Outcome.WRONG, null);
        }
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.put(proof, new Verified(stored, System.nanoTime() + VERIFIED_TTL_NANOS));
        return new Login(Outcome.OK, user.get());
    }

    private static boolean isPlausibleName(String name) {
        try {
            DocsUser.validName(name);
            return true;
        } catch (AccessException e) {
            return false;
        }
    }

    private Optional<DocsUser> lookup(String name) {
        long now = System.nanoTime();
        CachedUser c = users.get(name);
        if (c != null && now - c.expiresAtNanos() < 0) {
            return c.user();
        }
        Optional<DocsUser> user = table.find(name);
        if (ttlNanos > 0) {
            if (users.size() >= MAX_CACHED) {
                users.clear();
            }
            users.put(name, new CachedUser(user, now + ttlNanos));
        }
        return user;
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            h = hasher.hash(java.util.HexFormat.of().formatHex(random));
            dummyHash = h;
        }
        return h;
    }

    /**
     * HMAC-SHA256 under a per-process random key of (name, password): the memory holds no password and
     * nothing to test guesses against offline, and the key dies with the process.
     */
    private String proof(String name, String password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(processKey, "HmacSHA256"));
            for (String part : new String[] {name, password}) {
                mac.update(part.getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> validStages(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            throw new AccessException("A docs user needs at least one stage (e.g. --stages prod)");
        }
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            try {
                out.add(Stage.of(n.strip()).name());
            } catch (IllegalArgumentException e) {
                throw new AccessException(e.getMessage());
            }
        }
        return Set.copyOf(out);
    }
}
