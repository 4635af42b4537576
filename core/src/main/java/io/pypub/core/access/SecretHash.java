package io.pypub.core.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stored form of a key's secret: {@code sha256:<hex>} of key id and secret.
 *
 * <p>Why a plain SHA-256 and not bcrypt/Argon2 as for passwords: slow, salted hashes exist to make
 * guessing low-entropy, human-chosen passwords expensive. A key secret is 256 bits from
 * {@link java.security.SecureRandom}; no amount of guessing finds a preimage, so a fast hash is as
 * safe here, and it keeps per-request verification in microseconds instead of ~100 ms of CPU.
 * The key id is hashed in as well, so a hash copied onto another key's item does not verify.
 */
public final class SecretHash {
    private static final String SCHEME = "sha256:";
    /** Every authenticated request hashes its key: looking the algorithm up each time cost as much as hashing. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private SecretHash() {
    }

    public static String of(ApiKeyToken token) {
        return SCHEME + HexFormat.of().formatHex(digest(token.keyId(), token.secret()));
    }

    /** Constant-time comparison, so response timing says nothing about how much of a secret was right. */
    public static boolean matches(String stored, ApiKeyToken presented) {
        if (stored == null || !stored.startsWith(SCHEME)) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(stored.substring(SCHEME.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(presented.keyId(), presented.secret()));
    }

    private static byte[] digest(String keyId, String secret) {
        MessageDigest md = SHA256.get(); // reset by digest()
        md.update(keyId.getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(secret.getBytes(StandardCharsets.US_ASCII));
        return md.digest();
    }
}
