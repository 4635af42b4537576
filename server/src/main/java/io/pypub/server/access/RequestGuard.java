package io.pypub.server.access;

import io.pypub.core.access.ApiKeyToken;
import io.pypub.core.route.IndexRoute;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.StorageException;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything around the index's routing, the same for every adapter (Jetty, Lambda): a request id,
 * input checks (400), the {@link AccessGate}, quota counting of downloads, security headers, and
 * one audit line per request. For a streamed download the audit line is written when the stream is
 * closed, so it has the bytes actually sent and the whole duration.
 */
public final class RequestGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The index's own routing, told who was admitted (for links and project filtering). */
    @FunctionalInterface
    public interface Router {
        IndexResponse route(IndexRequest request, Admission admission);
    }

    private final AccessGate gate;
    private final TrustedProxies proxies;

    public RequestGuard(AccessGate gate, TrustedProxies proxies) {
        this.gate = gate;
        this.proxies = proxies;
    }

    /** No authentication; input checks, security headers and the audit log still apply. */
    public static RequestGuard open() {
        return new RequestGuard(AccessGate.disabled(), TrustedProxies.none());
    }

    public static RequestGuard forDeployment(AwsClients aws, AccessSettings settings) {
        return new RequestGuard(AccessGate.forDeployment(aws, settings), new TrustedProxies(settings.trustedProxies()));
    }

    public boolean authEnabled() {
        return gate.enabled();
    }

    /** Sign-in sessions, or null when access control is off. */
    public SessionTokens sessions() {
        return gate.sessions();
    }

    /** Whether the browser reached us over TLS: directly, or through a trusted proxy that says so. */
    public boolean overTls(IndexRequest request) {
        if (request.secure()) {
            return true;
        }
        String proto = request.header("X-Forwarded-Proto");
        return proto != null && proxies.isTrusted(request.remoteAddress())
                && proto.strip().toLowerCase(java.util.Locale.ROOT).startsWith("https");
    }

    /** Whether the access check of {@link #handle} is decided from memory (see {@link AccessGate#admitsFromMemory}). */
    public boolean admitsFromMemory(IndexRequest request) {
        return gate.admitsFromMemory(request, request.route());
    }

    /** Writes what the gate still holds (download counts); call when the server stops. */
    @Override
    public void close() {
        gate.close();
    }

    public IndexResponse handle(IndexRequest request, Router router) {
        long start = System.nanoTime();
        AuditRecord audit = new AuditRecord();
        audit.time = Instant.now();
        audit.peerIp = request.remoteAddress();
        audit.clientIp = proxies.clientAddress(request);
        audit.requestId = requestId(request);
        audit.method = AuditRecord.clip(request.method(), 16);
        audit.path = AuditRecord.safePath(request);
        audit.userAgent = AuditRecord.clip(ApiKeyToken.redact(request.header("User-Agent")), 200);
        Admission admission = Admission.anonymous();
        IndexResponse response;
        try {
            Optional<String> invalid = RequestRules.violation(request);
            if (invalid.isPresent()) {
                audit.reason = invalid.get();
                response = Denials.badRequest(invalid.get());
            } else {
                IndexRoute route = request.route();
                audit.stage = route.stage() == null ? null : route.stage().name();
                audit.project = AuditRecord.clip(route.project(), 200);
                audit.version = AuditRecord.clip(route.version(), 100);
                audit.file = AuditRecord.clip(route.file(), 300);
                admission = gate.admit(request, route, audit.clientIp);
                if (admission.admitted()) {
                    AccessGate.Served served = gate.afterRouting(admission, route, request, router.route(request, admission));
                    response = served.response();
                    audit.download = served.download() && served.refusal() == null;
                    audit.reason = served.refusal();
                    if (audit.download && audit.file == null) {
                        audit.file = attachmentName(response);
                    }
                    IndexResponse.Subject subject = response.subject();
                    if (subject != null && audit.project == null) {
                        audit.project = AuditRecord.clip(subject.project(), 200);
                        audit.version = AuditRecord.clip(subject.version(), 100);
                        audit.file = AuditRecord.clip(subject.file(), 300);
                    }
                } else if (route instanceof IndexRoute.SignIn) {
                    response = router.route(request, admission); // the form again, saying what was wrong
                    audit.reason = admission.reason();
                } else {
                    response = admission.denial();
                    audit.reason = admission.reason();
                }
            }
        } catch (StorageException e) {
            LOG.error("Storage error on request {}: {}", audit.requestId, ApiKeyToken.redact(e.getMessage()));
            audit.reason = "storage unavailable";
            audit.keyId = Credentials.presentedKeyId(request); // the key could not be checked: say which one was shown
            response = IndexResponse.storageUnavailable("storage temporarily unavailable");
        } catch (RuntimeException e) {
            // The message may quote the request (which may hold a key): log a redacted copy with the original stack.
            RuntimeException safe = new RuntimeException(ApiKeyToken.redact(e.toString()));
            safe.setStackTrace(e.getStackTrace());
            LOG.error("Unexpected error on request {} ({})", audit.requestId, audit.path, safe);
            audit.reason = "internal error";
            response = IndexResponse.text(500, "Internal error (request id " + audit.requestId + ")");
        }
        if (admission.keyId() != null) {
            audit.keyId = admission.keyId();
        }
        audit.client = admission.client();
        audit.user = admission.user() != null ? admission.user().name() : null;
        SecurityHeaders.apply(response, admission.authenticated());
        response.header("X-Request-Id", audit.requestId);
        audit.status = response.status();
        audit.source = "upstream".equals(response.header("X-Pypub-Source")) ? "upstream" : null;
        return withAudit(request, response, audit, start);
    }

    private String requestId(IndexRequest request) {
        // A trusted proxy's id ties our line to its own log; anyone else's is ignored (log injection, confusion).
        String given = request.header("X-Request-Id");
        if (given != null && REQUEST_ID.matcher(given).matches() && proxies.isTrusted(request.remoteAddress())) {
            return given;
        }
        return newRequestId();
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: a request id must be unique, not
     * unguessable, and {@code UUID.randomUUID()} reads the system's secure random source each time.
     */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long high = (r.nextLong() & ~0xF000L) | 0x4000L;
        long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static String attachmentName(IndexResponse response) {
        String cd = response.header("Content-Disposition");
        if (cd == null || !cd.contains("filename=\"")) {
            return null;
        }
        int from = cd.indexOf("filename=\"") + 10;
        int to = cd.indexOf('"', from);
        return to > from ? cd.substring(from, to) : null;
    }

    /** Writes the audit line now, or, for a streamed body, when the adapter closes the stream. */
    private static IndexResponse withAudit(IndexRequest request, IndexResponse response, AuditRecord audit, long start) {
        if (!response.isStream() || request.method().equalsIgnoreCase("HEAD")) {
            audit.bytes = request.method().equalsIgnoreCase("HEAD") ? 0 : Math.max(0, response.length());
            audit.durationMs = (System.nanoTime() - start) / 1_000_000;
            AuditLog.write(audit);
            return response;
        }
        IndexResponse.BodyStream original = response.stream();
        AtomicBoolean written = new AtomicBoolean();
        IndexResponse streamed = IndexResponse.stream(response.header("Content-Type"), response.length(), () -> {
            InputStream in;
            try {
                in = original.open();
            } catch (IOException | RuntimeException e) {
                audit.reason = "stream failed";
                finish(audit, 0, start, written);
                throw e;
            }
            return new FilterInputStream(in) {
                private long count;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        count++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        count += n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        finish(audit, count, start, written);
                    }
                }
            };
        });
        response.headers().forEach(streamed::header);
        if (response.file() != null) { // sent by the adapter directly: the line is written when it says it is done
            streamed.file(response.file()).onFileSent(bytes -> finish(audit, bytes, start, written));
        }
        return streamed;
    }

    private static void finish(AuditRecord audit, long bytes, long start, AtomicBoolean written) {
        if (written.compareAndSet(false, true)) {
            audit.bytes = bytes;
            audit.durationMs = (System.nanoTime() - start) / 1_000_000;
            AuditLog.write(audit);
        }
    }
}
