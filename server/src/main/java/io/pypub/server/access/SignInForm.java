package io.pypub.server.access;

import io.pypub.server.exchange.IndexRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The sign-in form as posted ({@code application/x-www-form-urlencoded}: {@code user}, {@code secret},
 * {@code next}), and the checks around it.
 *
 * @param user a docs user's name, or empty for an API key
 * @param secret the API key or the password
 * @param next where to go afterwards: a path on this index, or empty
 */
public record SignInForm(String user, String secret, String next) {

    @Override
    public String toString() {
        return "SignInForm[" + user + "]";
    }

    public static SignInForm parse(byte[] body) {
        String user = "";
        String secret = "";
        String next = "";
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value;
            try {
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue;
            }
            switch (pair.substring(0, eq)) {
                case "user" -> user = value.strip();
                case "secret" -> secret = value.strip();
                case "next" -> next = value.strip();
                default -> { }
            }
        }
        return new SignInForm(user, secret, safeNext(next));
    }

    /**
     * A path on this index to return to, or empty: only absolute paths ({@code /dev/...}), never
     * another host ({@code //evil}, {@code /\evil}, a scheme) or control characters (no open redirect).
     */
    public static String safeNext(String next) {
        if (next == null || next.length() > 1000 || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return "";
        }
        return next;
    }

    /**
     * Whether a state-changing form post comes from this index's own pages: its {@code Origin} (or,
     * from browsers that send none, its {@code Referer}) names the host the request was sent to, and
     * the browser does not call it cross-site. A post without either header is refused.
     */
    public static boolean sameOrigin(IndexRequest request) {
        String site = request.header("Sec-Fetch-Site");
        if (site != null && site.strip().equalsIgnoreCase("cross-site")) {
            return false;
        }
        String origin = request.header("Origin");
        if (origin == null || origin.isBlank()) {
            origin = request.header("Referer");
        }
        String host = request.header("Host");
        if (origin == null || host == null || origin.strip().equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin.strip());
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return false;
            }
            String authority = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            return authority.toLowerCase(Locale.ROOT).equals(host.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A browser navigating (it asks for HTML): sent to the sign-in page rather than given a Basic challenge. */
    public static boolean isBrowser(IndexRequest request) {
        String accept = request.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html") && request.isHeadOrGet()
                && request.header("Authorization") == null;
    }
}
