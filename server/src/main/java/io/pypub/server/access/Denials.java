package io.pypub.server.access;

import io.pypub.server.index.IndexResponse;

/** Refusals: a status and a short reason, nothing else (no key, no user name, no hint of what exists). */
final class Denials {
    static final String PACKAGES_REALM = "Basic realm=\"pypub\", charset=\"UTF-8\"";
    static final String DOCS_REALM = "Basic realm=\"pypub docs\", charset=\"UTF-8\"";

    private Denials() {
    }

    static IndexResponse badRequest(String reason) {
        return IndexResponse.text(400, "Bad request: " + reason);
    }

    /** 401 with a Basic challenge, so pip uses netrc/keyring credentials and browsers show a login prompt. */
    static IndexResponse unauthorized(String reason, String realm) {
        return IndexResponse.text(401, "Unauthorized: " + reason).header("WWW-Authenticate", realm);
    }

    static IndexResponse forbidden(String reason) {
        return IndexResponse.text(403, "Forbidden: " + reason);
    }

    static IndexResponse tooManyRequests(String reason, long retryAfterSeconds) {
        return IndexResponse.text(429, "Too many requests: " + reason).header("Retry-After", Long.toString(retryAfterSeconds));
    }
}
