package io.pypub.server.access;

import io.pypub.server.exchange.IndexResponse;


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

    /**
     * An exhausted download quota: 403, not 429. pip (urllib3) retries 429 after its Retry-After
     * however long that is, so a quota's hours-long wait hung CI jobs silently, and uv retried it
     * three times and failed anyway. Neither retries 403: both stop at once and print the status
     * line, so the reason phrase names the quota and its reset (the body says the same, for curl).
     */
    static IndexResponse quotaExceeded(String period, long limit, java.time.Instant resetsAt) {
        String reason = "Download quota exceeded: " + period + " limit of " + limit + " downloads, resets " + resetsAt;
        return IndexResponse.text(403, "Forbidden: " + reason).reasonPhrase(reason);
    }

    /** Too many password checks at once: the index is protecting its CPU, so try again in a moment. */
    static IndexResponse busy(String reason, long retryAfterSeconds) {
        return IndexResponse.text(503, "Service unavailable: " + reason).header("Retry-After", Long.toString(retryAfterSeconds));
    }

    static IndexResponse tooManyRequests(String reason, long retryAfterSeconds) {
        return IndexResponse.text(429, "Too many requests: " + reason).header("Retry-After", Long.toString(retryAfterSeconds));
    }

    /** A browser asking for a page without credentials: to the sign-in page, which brings it back afterwards. */
    static IndexResponse signIn(String path) {
        String location = "/-/signin?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8);
        return IndexResponse.redirect(303, location);
    }
}
