package io.pypub.core.upstream;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An upstream simple index's base URL ({@code https://pypi.org/simple/}) with its credentials held
 * apart: {@link #toString()} and {@link #redacted()} never show them, so the URL can be logged and
 * shown in {@code serve}'s banner. Credentials are only ever sent to the upstream's own origin.
 */
public final class UpstreamUrl {
    private final URI base;
    private final String authorization;

    private UpstreamUrl(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** Parses {@code https://user:password@host/simple/}; a missing trailing slash is added. */
    public static UpstreamUrl parse(String text) {
        URI uri;
        try {
            uri = URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: an upstream must look like https://pypi.org/simple/");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("an upstream must be an http(s) URL such as https://pypi.org/simple/ (got "
                    + redact(text) + ")");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an upstream URL takes no query or fragment: " + redact(text));
        }
        String auth = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            String password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
            auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.endsWith("/")) {
            path += "/";
        }
        URI base = URI.create(scheme + "://" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1) + path);
        return new UpstreamUrl(base, auth);
    }

    /** The base URL without credentials, ending with '/'. */
    public URI base() {
        return base;
    }

    public boolean hasCredentials() {
        return authorization != null;
    }

    /** The Authorization header for {@code target}, only when it is on the upstream's own origin; else null. */
    String authorizationFor(URI target) {
        if (authorization == null || target == null) {
            return null;
        }
        boolean sameOrigin = base.getScheme().equalsIgnoreCase(target.getScheme()) && base.getHost().equalsIgnoreCase(target.getHost())
                && port(base) == port(target);
        return sameOrigin ? authorization : null;
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : (u.getScheme().equalsIgnoreCase("https") ? 443 : 80);
    }

    /** The project page URL: {@code {base}{normalized}/}. */
    public URI projectPage(String normalizedProject) {
        return base.resolve(normalizedProject + "/");
    }

    /** For logs and pages: the base URL, with {@code ***@} where credentials were. */
    public String redacted() {
        return authorization == null ? base.toString() : base.getScheme() + "://***@" + base.getRawAuthority() + base.getRawPath();
    }

    @Override
    public String toString() {
        return redacted();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpstreamUrl u && base.equals(u.base) && java.util.Objects.equals(authorization, u.authorization);
    }

    @Override
    public int hashCode() {
        return base.hashCode();
    }

    /** Text that may hold a URL with credentials, with them replaced by {@code ***}. */
    public static String redact(String text) {
        return io.pypub.core.config.UrlCredentials.redact(text);
    }
}
