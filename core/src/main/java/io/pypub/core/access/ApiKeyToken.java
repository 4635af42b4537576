package io.pypub.core.access;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key a client presents: {@code pypub_<keyId>_<secret>}. The key id (10 base32 characters) is
 * public and names the key in the access table and the audit log; the secret (32 random bytes,
 * 52 base32 characters) is shown once and stored only as a hash. Base32 in lower case keeps the
 * key one "word" (double-click selects it) and safe in URLs, netrc and pip.conf without escaping.
 */
public final class ApiKeyToken {
    public static final String PREFIX = "pypub_";
    static final int KEY_ID_LENGTH = 10;
    private static final int SECRET_BYTES = 32;
    private static final Pattern KEY_ID = Pattern.compile("[a-z2-7]{" + KEY_ID_LENGTH + "}");
    /**
     * Matches anything that looks like a key, for redaction in logs and messages: also its PEP 503
     * normalized form ({@code pypub-<id>-<secret>}), which a key pasted into a project name becomes.
     */
    public static final Pattern ANYWHERE = Pattern.compile("(?i)pypub[-_.]([a-z2-7]{" + KEY_ID_LENGTH + "})[-_.][a-z0-9]+");

    private final String keyId;
    private final String secret;

    private ApiKeyToken(String keyId, String secret) {
        this.keyId = keyId;
        this.secret = secret;
    }

    public static ApiKeyToken generate(SecureRandom random) {
        byte[] id = new byte[7]; // 56 bits -> 12 base32 chars, cut to 10 (50 bits): plenty to avoid collisions
        random.nextBytes(id);
        return new ApiKeyToken(Base32.encode(id).substring(0, KEY_ID_LENGTH), newSecret(random));
    }

    /** Same key id, new secret: what rotation hands out. */
    static ApiKeyToken newSecretFor(String keyId, SecureRandom random) {
        if (!isKeyId(keyId)) {
            throw new IllegalArgumentException("Not a key id");
        }
        return new ApiKeyToken(keyId, newSecret(random));
    }

    private static String newSecret(SecureRandom random) {
        byte[] s = new byte[SECRET_BYTES];
        random.nextBytes(s);
        return Base32.encode(s);
    }

    /** The token if {@code text} has the exact key format; empty for anything else (never throws). */
    public static Optional<ApiKeyToken> parse(String text) {
        if (text == null || text.length() != PREFIX.length() + KEY_ID_LENGTH + 1 + 52) {
            return Optional.empty();
        }
        // pypub_<10 base32>_<52 base32>, checked by hand: every authenticated request parses its key.
        int idEnd = PREFIX.length() + KEY_ID_LENGTH;
        if (!text.startsWith(PREFIX) || text.charAt(idEnd) != '_' || !isBase32(text, PREFIX.length(), idEnd)
                || !isBase32(text, idEnd + 1, text.length())) {
            return Optional.empty();
        }
        return Optional.of(new ApiKeyToken(text.substring(PREFIX.length(), idEnd), text.substring(idEnd + 1)));
    }

    /** Lower-case RFC 4648 base32 letters ({@code a-z}, {@code 2-7}) from {@code from} to {@code to}. */
    private static boolean isBase32(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isKeyId(String text) {
        return text != null && KEY_ID.matcher(text).matches();
    }

    /** Replaces every key-looking string in {@code text} by its key id, so messages and logs never carry a secret. */
    public static String redact(String text) {
        return text == null || !mentionsPrefix(text) ? text : ANYWHERE.matcher(text).replaceAll("pypub_$1_[redacted]");
    }

    /**
     * Whether {@code text} contains "pypub" in any case: a cheap test before the regex, which runs
     * many times per request (every field of the audit line) and nearly never finds anything.
     */
    private static boolean mentionsPrefix(String text) {
        for (int i = 0, last = text.length() - 5; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == 'p' || c == 'P') && text.regionMatches(true, i, "pypub", 0, 5)) {
                return true;
            }
        }
        return false;
    }

    public String keyId() {
        return keyId;
    }

    String secret() {
        return secret;
    }

    /** The whole key, to show the client once. Deliberately not {@link #toString()}. */
    public String reveal() {
        return PREFIX + keyId + "_" + secret;
    }

    @Override
    public String toString() {
        return PREFIX + keyId + "_[redacted]";
    }
}
