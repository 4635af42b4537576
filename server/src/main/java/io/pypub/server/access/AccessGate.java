package io.pypub.server.access;

import io.pypub.core.access.ApiKey;
import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.DocsUser;
import io.pypub.core.access.DocsUserTable;
import io.pypub.core.access.DocsUsers;
import io.pypub.core.access.DownloadQuota;
import io.pypub.core.access.FailedAuthThrottle;
import io.pypub.core.access.KeyVerifier;
import io.pypub.core.access.PasswordHasher;
import io.pypub.core.access.RateLimiter;
import io.pypub.core.route.IndexRoute;
import io.pypub.core.storage.AwsClients;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Decides who may read what, before the index serves anything:
 * <ul>
 *   <li>package pages and files need a key (query {@code key=}, Basic password, or Bearer) that
 *       is valid, unexpired, unrevoked, and granted the stage (and project, if limited): else
 *       401 with a Basic challenge, or 403;</li>
 *   <li>each key is rate limited (token bucket, per instance; over it: 429 + a short Retry-After) and
 *       each file download is counted against its daily and monthly quotas (global, in DynamoDB):
 *       over either, 403 naming the quota and its reset, which pip and uv show and do not retry;</li>
 *   <li>docs need HTTP Basic with a docs user allowed for the stage; at most a few password
 *       checks (bcrypt) run at once, and a login that waits too long for one gets 503;</li>
 *   <li>failed attempts are throttled, not the credentials behind them: an address with too many
 *       costly failures (unknown key ids, bad docs logins) may no longer cause table reads of
 *       unknown ids or password hashes (429), but its valid keys and recently verified logins
 *       still pass; a key id with too many failed attempts gets 429 for those, its right secret
 *       still passes;</li>
 *   <li>{@code /healthz} and {@code /metrics} are open.</li>
 * </ul>
 */
public final class AccessGate implements AutoCloseable {
    private final boolean enabled;
    private final KeyVerifier keys;
    private final DocsUsers users;
    private final RateLimiter rates;
    private final DownloadQuota quota;
    /** Costly failures per client address. */
    private final FailedAuthThrottle failures;
    /** Failed attempts per presented key id (unknown ids too, so the answer does not tell whether an id exists). */
    private final FailedAuthThrottle keyFailures;
    /** Signed sign-in sessions (cookies), or null when access control is off. */
    private final SessionTokens sessions;

    AccessGate(boolean enabled, KeyVerifier keys, DocsUsers users, RateLimiter rates, DownloadQuota quota,
            FailedAuthThrottle failures, FailedAuthThrottle keyFailures, SessionTokens sessions) {
        this.sessions = sessions;
        this.enabled = enabled;
        this.keys = keys;
        this.users = users;
        this.rates = rates;
        this.quota = quota;
        this.failures = failures;
        this.keyFailures = keyFailures;
    }

    /** Lets everything through: no credentials needed (demo, local use, embedding in tests). */
    public static AccessGate disabled() {
        return new AccessGate(false, null, null, null, null, null, null, null);
    }

    /** The gate over a deployment's access table. */
    public static AccessGate forDeployment(AwsClients aws, AccessSettings settings) {
        if (!settings.enabled()) {
            return disabled();
        }
        Clock clock = Clock.systemUTC();
        String table = aws.settings().accessTable();
        return new AccessGate(true,
                new KeyVerifier(new ApiKeyTable(aws.dynamo(), table), clock, settings.cacheTtl()),
                new DocsUsers(new DocsUserTable(aws.dynamo(), table), new PasswordHasher(), clock, settings.cacheTtl(),
                        settings.passwordCheckPermits(), settings.passwordCheckWait()),
                new RateLimiter(),
                new DownloadQuota(aws.dynamo(), table, clock, settings.usageFlushInterval()),
                new FailedAuthThrottle(settings.failedAuthLimit(), settings.failedAuthWindow()),
                new FailedAuthThrottle(settings.keyFailureLimit(), settings.failedAuthWindow()),
                SessionTokens.of(settings.sessionSecret()));
    }

    public boolean enabled() {
        return enabled;
    }

    /** The session tokens of sign-in, or null when access control is off. */
    public SessionTokens sessions() {
        return sessions;
    }

    /** Writes the download counts still being added up. */
    @Override
    public void close() {
        if (quota != null) {
            quota.close();
        }
    }

    public Admission admit(IndexRequest request, IndexRoute target, String clientAddress) {
        if (!enabled && target.access() == IndexRoute.Access.PUBLISH) {
            return Admission.denied(Denials.forbidden("uploads need access control: serve with keys (a key with the publish scope)"),
                    null, "upload without access control");
        }
        if (!enabled || target.access() == IndexRoute.Access.OPEN) {
            return Admission.anonymous();
        }
        if (target.access() == IndexRoute.Access.SIGN_IN) {
            return target instanceof IndexRoute.SignIn && request.method().equalsIgnoreCase("POST")
                    ? signIn(request, target, clientAddress) : Admission.anonymous();
        }
        Credentials credentials = Credentials.from(request);
        if (credentials instanceof Credentials.Malformed m) {
            return Admission.denied(Denials.badRequest(m.reason()), null, m.reason());
        }
        boolean forPeople = target.access() == IndexRoute.Access.PAGE || target.access() == IndexRoute.Access.DOCS;
        if (credentials instanceof Credentials.None && forPeople && SignInForm.isBrowser(request)) {
            return Admission.denied(Denials.signIn(request.path()), null, "not signed in");
        }
        if (credentials instanceof Credentials.Session session) {
            return admitSession(session, target, request);
        }
        // Not a refusal by itself: an address over the limit only loses the costly checks (reads of
        // unknown key ids, password hashes); its valid keys and verified logins still get through.
        long blocked = failures.retryAfterSeconds(clientAddress);
        return target.access() == IndexRoute.Access.DOCS
                ? admitDocsUser(credentials, target, clientAddress, blocked)
                : admitKey(credentials, target, clientAddress, blocked);
    }

    /**
     * Whether {@link #admit} decides {@code target} from memory, without a table read, a password hash or a wait for
     * another request's read: always with access control off; for package pages and files, when the key presented
     * (if any) is one the key cache answers. Sessions, docs logins and sign-in may read or hash: false.
     */
    public boolean admitsFromMemory(IndexRequest request, IndexRoute target) {
        IndexRoute.Access access = target.access();
        if (!enabled || access == IndexRoute.Access.OPEN) {
            return true;
        }
        if (access != IndexRoute.Access.KEY && access != IndexRoute.Access.DOWNLOAD && access != IndexRoute.Access.METADATA) {
            return false;
        }
        Credentials credentials = Credentials.from(request);
        if (credentials instanceof Credentials.Key k) {
            return keys.answersFromMemory(k.value());
        }
        if (credentials instanceof Credentials.Basic b) {
            return keys.answersFromMemory(b.password());
        }
        return !(credentials instanceof Credentials.Session); // none or malformed: refused without a read
    }

    /**
     * The sign-in form's POST: the same checks (and failure throttles) as a key or a docs login on
     * any other request, after the form's origin is checked (the one state-changing form: SameSite
     * cookies and this check keep other sites from posting it).
     */
    private Admission signIn(IndexRequest request, IndexRoute target, String clientAddress) {
        if (!SignInForm.sameOrigin(request)) {
            return Admission.denied(Denials.forbidden("the sign-in form must be sent from this index's own page"), null,
                    "sign-in from another origin");
        }
        SignInForm form = SignInForm.parse(request.body());
        if (form.secret().isEmpty()) {
            return Admission.denied(Denials.unauthorized("enter an API key, or a user name and password", Denials.PACKAGES_REALM),
                    null, "empty sign-in");
        }
        long blocked = failures.retryAfterSeconds(clientAddress);
        if (form.user().isEmpty() || form.user().equals("__token__")) {
            return admitKey(new Credentials.Key(form.secret(), Credentials.Source.BASIC), target, clientAddress, blocked);
        }
        return admitDocsUser(new Credentials.Basic(form.user(), form.secret()), target, clientAddress, blocked);
    }

    /**
     * A signed-in person: the token must be this index's and unexpired, and its key or user is re-read
     * through the record cache on every request, so revocation, expiry, rotation and password changes
     * end the session within the cache interval. A key's session reads what the key may read, plus the
     * docs of those stages; a docs user's session reads pages and docs of the user's stages, never files.
     */
    private Admission admitSession(Credentials.Session session, IndexRoute target, IndexRequest request) {
        if (target.access() == IndexRoute.Access.PUBLISH) {
            // A browser's cookie must never upload (another site could post the form): uploads carry the key itself.
            return Admission.denied(Denials.forbidden("uploads need an API key with the publish scope, not a sign-in session"), null,
                    "session on upload");
        }
        var claims = sessions.verify(session.token());
        boolean forPeople = target.access() == IndexRoute.Access.PAGE || target.access() == IndexRoute.Access.DOCS;
        if (claims.isEmpty()) {
            return Admission.denied(forPeople && SignInForm.isBrowser(request) ? Denials.signIn(request.path())
                    : Denials.unauthorized("session expired, sign in again", Denials.PACKAGES_REALM), null, "session expired");
        }
        if (claims.get().key()) {
            String keyId = claims.get().subject();
            ApiKey key = keys.current(keyId).orElse(null);
            if (key == null || !SessionTokens.fingerprint(key.secretHash()).equals(claims.get().fingerprint())) {
                return sessionEnded(request, forPeople, "session ended: the key was rotated or removed", keyId, "session key changed");
            }
            ApiKey.Status status = key.status(java.time.Instant.now());
            if (status != ApiKey.Status.ACTIVE) {
                String why = status == ApiKey.Status.REVOKED ? "key revoked" : "key expired";
                return sessionEnded(request, forPeople, why, keyId, why);
            }
            return admitVerifiedKey(key, target, "");
        }
        DocsUser u = users.current(claims.get().subject()).orElse(null);
        if (u == null || !SessionTokens.fingerprint(u.passwordHash()).equals(claims.get().fingerprint())) {
            return sessionEnded(request, forPeople, "session ended: the password changed or the user was removed", null,
                    "session user changed");
        }
        if (!forPeople) {
            return new Admission(Denials.forbidden("a docs user's sign-in opens pages and docs; packages need an API key"), null, u,
                    null, "docs user session", "");
        }
        if (target.stage() != null && !u.allowsStage(target.stage().name())) {
            return new Admission(Denials.forbidden("user may not read stage '" + target.stage() + "'"), null, u, null,
                    "stage not granted", "");
        }
        return new Admission(null, null, u, null, null, "");
    }

    private static Admission addressThrottled(long retryAfter, String keyId) {
        return Admission.denied(Denials.tooManyRequests("too many failed logins from this address", retryAfter), keyId,
                "failed-login throttle");
    }

    private Admission admitKey(Credentials credentials, IndexRoute target, String clientAddress, long blocked) {
        String presented;
        if (credentials instanceof Credentials.Key k) {
            presented = k.value();
        } else if (credentials instanceof Credentials.Basic b) {
            presented = b.password();
        } else {
            return Admission.denied(Denials.unauthorized("an API key is required", Denials.PACKAGES_REALM), null, "no key");
        }
        KeyVerifier.Result result = keys.verify(presented, blocked == 0);
        if (!result.ok()) {
            KeyVerifier.Reason reason = result.reason();
            String why = reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            switch (reason) {
                case THROTTLED:
                    return addressThrottled(blocked, result.keyId());
                case UNKNOWN, WRONG_SECRET:
                    if (result.costly()) {
                        failures.recordFailure(clientAddress); // a table read that found nothing
                    }
                    // A wrong secret for a known id costs one hash: it counts against that id, not the address, so
                    // one stale client after a rotation does not lock out the other keys behind the same NAT.
                    keyFailures.recordFailure(result.keyId());
                    long wait = keyFailures.retryAfterSeconds(result.keyId());
                    if (wait > 0) {
                        return Admission.denied(Denials.tooManyRequests("too many failed attempts with this key", wait),
                                result.keyId(), "key id throttle");
                    }
                    break;
                default:
                    break; // malformed (costs a parse), revoked, expired (the right secret of a retired key): nothing to throttle
            }
            return Admission.denied(Denials.unauthorized(reason.message(), Denials.PACKAGES_REALM), result.keyId(), why);
        }
        String linkQuery = credentials instanceof Credentials.Key k && k.source() == Credentials.Source.QUERY
                ? "?key=" + URLEncoder.encode(k.value(), StandardCharsets.UTF_8) : "";
        return admitVerifiedKey(result.key(), target, linkQuery);
    }

    /** A session that no longer holds: a browser on a page goes back to sign-in, anything else gets a 401. */
    private static Admission sessionEnded(IndexRequest request, boolean forPeople, String why, String keyId, String auditReason) {
        IndexResponse denial = forPeople && SignInForm.isBrowser(request) ? Denials.signIn(request.path())
                : Denials.unauthorized(why, Denials.PACKAGES_REALM);
        return Admission.denied(denial, keyId, auditReason);
    }

    /** A valid key: its stages and projects, then its rate. */
    private Admission admitVerifiedKey(ApiKey key, IndexRoute target, String linkQuery) {
        boolean publish = target.access() == IndexRoute.Access.PUBLISH;
        String scope = publish ? io.pypub.core.access.KeyPolicy.PUBLISH : io.pypub.core.access.KeyPolicy.DOWNLOAD;
        if (!key.policy().allows(scope)) {
            return Admission.denied(Denials.forbidden(publish ? "this key may not publish (it has no publish scope)"
                    : "this key may only publish, not download"), key.keyId(), "scope " + scope + " not granted");
        }
        if (target.stage() != null && !key.policy().allowsStage(target.stage().name())) {
            return Admission.denied(Denials.forbidden("this key is not valid for stage '" + target.stage() + "'"), key.keyId(),
                    "stage not granted");
        }
        if (target.project() != null && !key.policy().allowsProject(target.project())) {
            return Admission.denied(Denials.forbidden("this key is not valid for this project"), key.keyId(), "project not granted");
        }
        long wait = rates.retryAfterSeconds(key);
        if (wait > 0) {
            return Admission.denied(Denials.tooManyRequests("rate limit of " + rate(key) + " requests per second", wait),
                    key.keyId(), "rate limited");
        }
        return new Admission(null, key, null, key.keyId(), null, linkQuery);
    }

    private Admission admitDocsUser(Credentials credentials, IndexRoute target, String clientAddress, long blocked) {
        if (!(credentials instanceof Credentials.Basic basic)) {
            return Admission.denied(Denials.unauthorized("log in with your docs user name and password", Denials.DOCS_REALM), null,
                    "no docs login");
        }
        DocsUsers.Login login = users.login(basic.user(), basic.password(), blocked == 0);
        switch (login.outcome()) {
            case THROTTLED:
                return addressThrottled(blocked, null);
            case BUSY:
                failures.recordFailure(clientAddress); // a flood from one address soon stops waiting for permits at all
                return Admission.denied(Denials.busy("too many logins being checked, try again in a moment", 1), null,
                        "password checks busy");
            case WRONG:
                failures.recordFailure(clientAddress);
                return Admission.denied(Denials.unauthorized("wrong user name or password", Denials.DOCS_REALM), null, "bad docs login");
            default:
                break;
        }
        DocsUser u = login.user();
        if (target.stage() != null && !u.allowsStage(target.stage().name())) {
            return new Admission(Denials.forbidden("user may not read docs of stage '" + target.stage() + "'"), null, u, null,
                    "stage not granted", "");
        }
        return new Admission(null, null, u, null, null, "");
    }

    /**
     * After routing: a file download (GET answered 200 or with a redirect to S3) is counted against
     * the key's quotas, and refused with 429 if that would go over. Only served files count:
     * pages, metadata, HEAD and 404s do not.
     */
    public Served afterRouting(Admission admission, IndexRoute target, IndexRequest request, IndexResponse response) {
        int status = response.status();
        boolean download = target.access() == IndexRoute.Access.DOWNLOAD && request.method().equalsIgnoreCase("GET")
                && (status == 200 || status == 302 || status == 307);
        if (!download || !enabled || admission.key() == null) {
            return new Served(response, download, null);
        }
        DownloadQuota.Decision d = quota.tryCount(admission.key());
        if (d.allowed()) {
            return new Served(response, true, null);
        }
        return new Served(Denials.quotaExceeded(d.period(), d.limit(), d.resetsAt()), false, d.period() + " quota exceeded");
    }

    /**
     * The response to send.
     *
     * @param download true when a file was handed out (and counted, if auth is on)
     * @param refusal why a download was refused (quota), or null
     */
    public record Served(IndexResponse response, boolean download, String refusal) {}

    private static String rate(ApiKey key) {
        double r = key.policy().ratePerSecond();
        return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
    }
}
