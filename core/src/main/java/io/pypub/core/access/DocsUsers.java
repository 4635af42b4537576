package io.pypub.core.access;

import io.pypub.core.release.Stage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * few minutes under a digest of (random per-process salt, name, password, stored hash): a changed
 * password or a removed user invalidates it within the record cache's seconds, and the memory
 * holds no password. Failed checks are never remembered.
 */
public final class DocsUsers {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(2);
    private static final long VERIFIED_TTL_NANOS = Duration.ofMinutes(5).toNanos();
    private static final int MAX_CACHED = 10_000;

    private record CachedUser(Optional<DocsUser> user, long expiresAtNanos) {}

    private final DocsUserTable table;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final long ttlNanos;
    private final byte[] processSalt = new byte[32];
    private final Map<String, CachedUser> users = new ConcurrentHashMap<>();
    private final Map<String, Long> verified = new ConcurrentHashMap<>();
    private volatile String dummyHash;

    public DocsUsers(DocsUserTable table, PasswordHasher hasher, Clock clock, Duration cacheTtl) {
        this.table = table;
        this.hasher = hasher;
        this.clock = clock;
        this.ttlNanos = cacheTtl.toNanos();
        new SecureRandom().nextBytes(processSalt);
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
        Optional<DocsUser> user = isPlausibleName(name) ? lookup(name) : Optional.empty();
        if (user.isEmpty()) {
            hasher.matches(password, dummyHash()); // spend the same time as a real check
            return Optional.empty();
        }
        String stored = user.get().passwordHash();
        String proof = proof(name, password, stored);
        long now = System.nanoTime();
        Long until = verified.get(proof);
        if (until != null && now - until < 0) {
            return user;
        }
        if (!hasher.matches(password, stored)) {
            return Optional.empty();
        }
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.put(proof, now + VERIFIED_TTL_NANOS);
        return user;
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

    private String proof(String name, String password, String stored) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(processSalt);
            for (String part : new String[] {name, password == null ? "" : password, stored}) {
                md.update(part.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
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
