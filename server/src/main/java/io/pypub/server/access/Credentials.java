package io.pypub.server.access;

import io.pypub.server.exchange.IndexRequest;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;

/**
 * The credentials a request carries: an {@code Authorization} header (Basic or Bearer) wins over
 * {@code ?key=}. Parsing never throws; what cannot be read is {@link Malformed}.
 */
public sealed interface Credentials {

    enum Source { QUERY, BASIC, BEARER }

    record None() implements Credentials {}

    /** A key: from {@code ?key=}, a Bearer token, or the password of Basic auth (any user name, e.g. {@code __token__}). */
    record Key(String value, Source source) implements Credentials {
        @Override
        public String toString() {
            return "Key[" + source + "]";
        }
    }

    /** HTTP Basic: a docs user's name and password, or {@code __token__} and a key. */
    record Basic(String user, String password) implements Credentials {
        @Override
        public String toString() {
            return "Basic[" + user + "]";
        }
    }

    record Malformed(String reason) implements Credentials {}

    /** The sign-in page's session cookie (used only when the request carries no other credentials). */
    record Session(String token) implements Credentials {
        @Override
        public String toString() {
            return "Session";
        }
    }

    /** The key id of a presented key (public, not a secret), for the audit line of a request that could not be checked. */
    static String presentedKeyId(IndexRequest request) {
        Credentials c = from(request);
        String value = c instanceof Key k ? k.value() : c instanceof Basic b ? b.password() : null;
        return io.pypub.core.access.ApiKeyToken.parse(value).map(io.pypub.core.access.ApiKeyToken::keyId).orElse(null);
    }

    static Credentials from(IndexRequest request) {
        String auth = request.header("Authorization");
        String key = request.query().get("key");
        if (auth != null && key != null) {
            // Two credentials that may disagree: refuse rather than guess which one the caller meant.
            Credentials fromHeader = fromHeader(auth);
            String headerKey = fromHeader instanceof Key k ? k.value() : fromHeader instanceof Basic b ? b.password() : null;
            return key.equals(headerKey) ? fromHeader : new Malformed("credentials in both the Authorization header and ?key= differ");
        }
        if (auth != null) {
            return fromHeader(auth);
        }
        if (key != null) {
            return new Key(key, Source.QUERY);
        }
        String session = SessionTokens.fromCookieHeader(request.header("Cookie"));
        return session != null ? new Session(session) : new None();
    }

    private static Credentials fromHeader(String auth) {
        {
            String a = auth.strip();
            String scheme = a.contains(" ") ? a.substring(0, a.indexOf(' ')).toLowerCase(Locale.ROOT) : a.toLowerCase(Locale.ROOT);
            String rest = a.contains(" ") ? a.substring(a.indexOf(' ') + 1).strip() : "";
            return switch (scheme) {
                case "bearer" -> rest.isEmpty() ? new Malformed("empty Bearer token") : new Key(rest, Source.BEARER);
                case "basic" -> basic(rest);
                default -> new Malformed("unsupported Authorization scheme (use Basic or Bearer)");
            };
        }
    }

    private static Credentials basic(String encoded) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return new Malformed("Basic credentials are not valid base64");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return new Malformed("Basic credentials are not UTF-8");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new Malformed("Basic credentials need 'user:password'");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return new Malformed("Basic credentials contain control characters");
        }
        return new Basic(text.substring(0, colon), text.substring(colon + 1));
    }
}
