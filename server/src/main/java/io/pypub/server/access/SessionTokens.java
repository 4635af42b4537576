package io.pypub.server.access;

import io.pypub.core.storage.FileDigest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session of a person who signed in on the sign-in page: a signed, expiring token in a cookie,
 * so that any instance of a stateless index can check it without shared memory. The token names
 * the key id or docs user and a fingerprint of the stored secret hash (never the key or password),
 * and the access gate re-reads that record through its cache on every request: a revoked, expired
 * or rotated key, a changed password or a removed user ends the session within the cache interval.
 *
 * <p>Format: {@code v1.<base64url payload>.<base64url HMAC-SHA256>}, payload
 * {@code kind \n subject \n fingerprint \n expiry (epoch seconds)}, kind {@code k} (key) or {@code u} (user).
 * The HMAC key is the session-secret setting, {@code PYPUB_SESSION_SECRET} (shared by all instances); without it a random
 * per-process secret is used, and sessions then end when the process restarts and work only on the
 * instance that issued them.
 */
public final class SessionTokens {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTokens.class);
    public static final String COOKIE = "pypub_session";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final String SECRET_VARIABLE = io.pypub.core.config.Settings.SESSION_SECRET.env();

    /** What a valid token says. */
    public record Claims(boolean key, String subject, String fingerprint, long expiresAt) {}

    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;

    public SessionTokens(byte[] secret, Duration ttl, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException(SECRET_VARIABLE + " must have at least 32 bytes");
        }
        this.secret = secret.clone();
        this.ttl = ttl;
        this.clock = clock;
    }

    /** With the configured secret (at least 32 characters; the catalogue checks it), else a random secret of this process, with a warning. */
    public static SessionTokens of(String configured) {
        if (configured != null && !configured.isBlank()) {
            return new SessionTokens(configured.strip().getBytes(StandardCharsets.UTF_8), DEFAULT_TTL, Clock.systemUTC());
        }
        return new SessionTokens(processSecret(), DEFAULT_TTL, Clock.systemUTC());
    }

    private static byte[] processSecret;

    /** One random secret per process (all gates of the process share it), with a warning the first time. */
    private static synchronized byte[] processSecret() {
        if (processSecret == null) {
            LOG.warn("{} is not set: sign-in sessions use a random secret of this process; they end when it restarts and work "
                    + "only on this instance (set it to the same random value on every instance)", SECRET_VARIABLE);
            processSecret = new byte[32];
            new SecureRandom().nextBytes(processSecret);
        }
        return processSecret;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A token for a key or user whose stored hash is {@code storedHash}. */
    public String issue(boolean key, String subject, String storedHash) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String payload = (key ? "k" : "u") + "\n" + subject + "\n" + fingerprint(storedHash) + "\n" + expires;
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "v1." + b64.encodeToString(p) + "." + b64.encodeToString(mac(p));
    }

    /** The claims of a token this index signed and that has not expired; empty for anything else. */
    public Optional<Claims> verify(String token) {
        if (token == null || token.length() > 1024 || !token.startsWith("v1.")) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(parts[1]);
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            return Optional.empty();
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 4 || !(fields[0].equals("k") || fields[0].equals("u"))) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(fields[3]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (clock.instant().getEpochSecond() >= expires) {
            return Optional.empty();
        }
        return Optional.of(new Claims(fields[0].equals("k"), fields[1], fields[2], expires));
    }

    /** A short digest of a stored secret or password hash: changes when the key is rotated or the password changed. */
    public static String fingerprint(String storedHash) {
        return FileDigest.sha256Hex(storedHash.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    /** The Set-Cookie value for a new session. */
    public String cookie(String token, boolean secure) {
        return COOKIE + "=" + token + "; Path=/; Max-Age=" + ttl.toSeconds() + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that ends a session in the browser. */
    public static String clearingCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** The session token in a Cookie header, or null. */
    public static String fromCookieHeader(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                String v = p.substring(COOKIE.length() + 1);
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
