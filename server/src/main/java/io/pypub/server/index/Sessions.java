package io.pypub.server.index;

import io.pypub.core.route.IndexRoute;
import io.pypub.server.access.Admission;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.access.SessionTokens;
import io.pypub.server.access.SignInForm;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import io.pypub.server.pages.HumanPages;
import java.nio.charset.StandardCharsets;

/**
 * {@code /-/signin} and {@code /-/signout}. The gate has already checked a posted sign-in (origin,
 * then the key or docs login, with the usual failure throttles); here the admitted caller gets a
 * session cookie and is sent on, and a refused one sees the form again with the reason.
 */
final class Sessions {
    private Sessions() {
    }

    static IndexResponse handle(IndexRequest request, Admission access, RequestGuard guard, boolean authOff) {
        String method = request.method().toUpperCase(java.util.Locale.ROOT);
        boolean signOut = request.route() instanceof IndexRoute.SignOut;
        boolean tls = guard.overTls(request);
        if (method.equals("GET") || method.equals("HEAD")) {
            if (signOut) {
                return html(200, HumanPages.signIn("", null, authOff, HumanPages.Viewer.ANONYMOUS));
            }
            String next = SignInForm.safeNext(request.query().get("next"));
            return html(200, HumanPages.signIn(next, null, authOff, HumanPages.Viewer.ANONYMOUS));
        }
        if (!method.equals("POST")) {
            return IndexResponse.text(405, "Method not allowed").header("Allow", "GET, HEAD, POST");
        }
        if (signOut) {
            if (!SignInForm.sameOrigin(request)) {
                return IndexResponse.text(403, "Forbidden: the sign-out form must be sent from this index's own page");
            }
            return html(200, HumanPages.signedOut()).header("Set-Cookie", SessionTokens.clearingCookie(tls));
        }
        if (authOff) {
            return html(200, HumanPages.signIn("", null, true, HumanPages.Viewer.ANONYMOUS));
        }
        SignInForm form = SignInForm.parse(request.body());
        if (!access.admitted()) {
            IndexResponse denial = access.denial();
            String reason = new String(denial.body() == null ? new byte[0] : denial.body(), StandardCharsets.UTF_8).strip();
            // A failed sign-in also ends whatever session the browser still had (e.g. of a key revoked since).
            IndexResponse page = html(denial.status(), HumanPages.signIn(form.next(), reason, false, HumanPages.Viewer.ANONYMOUS))
                    .header("Set-Cookie", SessionTokens.clearingCookie(tls));
            if (denial.header("Retry-After") != null) {
                page.header("Retry-After", denial.header("Retry-After"));
            }
            return page;
        }
        SessionTokens sessions = guard.sessions();
        String token = access.key() != null ? sessions.issue(true, access.key().keyId(), access.key().secretHash())
                : sessions.issue(false, access.user().name(), access.user().passwordHash());
        String next = form.next();
        if (next.isEmpty()) {
            String stage = access.key() != null ? access.key().policy().stages().stream().sorted().findFirst().orElse(null)
                    : access.user().stages().stream().sorted().findFirst().orElse(null);
            next = stage == null ? "/-/signin" : "/" + stage + "/";
        }
        return IndexResponse.redirect(303, next).header("Set-Cookie", sessions.cookie(token, tls)).header("Cache-Control", "no-store");
    }

    private static IndexResponse html(int status, byte[] body) {
        return IndexResponse.bytes(status, "text/html; charset=utf-8", body)
                .header("Content-Security-Policy", HumanPages.CSP).header("Referrer-Policy", "same-origin").header("Cache-Control", "no-store");
    }
}
