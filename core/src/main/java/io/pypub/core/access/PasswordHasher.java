package io.pypub.core.access;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Password hashing for docs users: bcrypt (Spring Security's implementation, cost 12, a fresh
 * random salt per hash), stored with a {@code {bcrypt}} scheme prefix so a later move to another
 * algorithm can tell old hashes apart. bcrypt rather than Argon2 because it needs no extra native
 * or BouncyCastle dependency and is still an OWASP-recommended choice at this cost.
 */
public final class PasswordHasher {
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 72; // bcrypt ignores bytes past 72: refuse rather than silently truncate
    private static final String SCHEME = "{bcrypt}";

    private final BCryptPasswordEncoder bcrypt;

    public PasswordHasher() {
        this(12);
    }

    /** Lower costs only for tests: each step halves the work. */
    public PasswordHasher(int cost) {
        this.bcrypt = new BCryptPasswordEncoder(cost);
    }

    public String hash(String password) {
        checkAcceptable(password);
        return SCHEME + bcrypt.encode(password);
    }

    public boolean matches(String password, String stored) {
        if (password == null || stored == null || !stored.startsWith(SCHEME)
                || password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return false;
        }
        return bcrypt.matches(password, stored.substring(SCHEME.length()));
    }

    public static void checkAcceptable(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new AccessException("Passwords need at least " + MIN_LENGTH + " characters");
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            throw new AccessException("Passwords may have at most " + MAX_LENGTH + " bytes (a bcrypt limit)");
        }
        if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new AccessException("Passwords may not contain control characters");
        }
    }
}
