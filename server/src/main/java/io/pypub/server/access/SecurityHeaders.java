package io.pypub.server.access;

import io.pypub.server.exchange.IndexResponse;
import java.util.Locale;

/** Headers every response carries, and the caching rule for what only an authenticated caller may see. */
public final class SecurityHeaders {
    private SecurityHeaders() {
    }

    public static IndexResponse apply(IndexResponse response, boolean authenticated) {
        response.header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY");
        if (response.header("Referrer-Policy") == null) {
            // Pages for people say same-origin: with no-referrer, browsers send "Origin: null" on their own form posts.
            response.header("Referrer-Policy", "no-referrer");
        }
        String cc = response.header("Cache-Control");
        if (response.status() >= 400) {
            response.header("Cache-Control", "no-store");
        } else if (authenticated) {
            // Shared caches (proxies, CDNs) must never hand one client's pages or files to another.
            if (cc == null) {
                response.header("Cache-Control", "private, no-cache");
            } else if (!cc.toLowerCase(Locale.ROOT).contains("private") && !cc.toLowerCase(Locale.ROOT).contains("no-store")) {
                response.header("Cache-Control", "private, " + cc);
            }
        }
        return response;
    }
}
