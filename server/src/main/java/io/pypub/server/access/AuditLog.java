package io.pypub.server.access;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per request. {@code pypub serve} sends it through an {@link AuditSink}
 * (buffered) to stdout, or to a file with {@code --audit-log FILE}; elsewhere (the Lambda handler,
 * tests, the demo) it goes to the SLF4J logger {@value #LOGGER}, which LogbackSetup (pypub.cli) prints to stdout
 * as bare lines.
 */
public final class AuditLog {
    public static final String LOGGER = "pypub.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static volatile AuditSink sink;

    private AuditLog() {
    }

    static void write(AuditRecord record) {
        AuditSink s = sink;
        if (s != null) {
            record.writeTo(s);
        } else {
            LOG.info(record.toJson());
        }
    }

    /** Appends audit lines to {@code file}, buffered, until {@link #close}. */
    public static void toFile(Path file) {
        use(AuditSink.file(file));
    }

    /** Writes audit lines to stdout, buffered, until {@link #close}. */
    public static void toStdout() {
        use(AuditSink.stdout());
    }

    /**
     * Request lines go to the sink directly; other audit lines (lifecycle operations, key changes)
     * still go through the logger, which now forwards to the same sink.
     */
    private static synchronized void use(AuditSink next) {
        close();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            next.close();
            throw new IllegalStateException("The audit log needs logback as the SLF4J backend");
        }
        ch.qos.logback.classic.Logger audit = context.getLogger(LOGGER);
        List<Appender<ILoggingEvent>> detached = new ArrayList<>();
        audit.iteratorForAppenders().forEachRemaining(detached::add);
        detached.forEach(audit::detachAppender);
        ForwardingAppender forwarder = new ForwardingAppender(next, audit.isAdditive(), detached);
        forwarder.setContext(context);
        forwarder.setName("AUDIT_SINK");
        forwarder.start();
        audit.setAdditive(false);
        audit.addAppender(forwarder);
        sink = next;
    }

    /** Writes out buffered lines and gives the logger its appenders back; call when the server stops. */
    public static synchronized void close() {
        AuditSink s = sink;
        sink = null;
        if (s == null) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            ch.qos.logback.classic.Logger audit = context.getLogger(LOGGER);
            if (audit.getAppender("AUDIT_SINK") instanceof ForwardingAppender f) {
                audit.detachAppender(f);
                f.stop();
                f.restored.forEach(audit::addAppender);
                audit.setAdditive(f.wasAdditive);
            }
        }
        s.close();
    }

    /** Sends the logger's audit lines to the sink; remembers what the logger had before. */
    private static final class ForwardingAppender extends AppenderBase<ILoggingEvent> {
        private final AuditSink target;
        private final boolean wasAdditive;
        private final List<Appender<ILoggingEvent>> restored;

        ForwardingAppender(AuditSink target, boolean wasAdditive, List<Appender<ILoggingEvent>> restored) {
            this.target = target;
            this.wasAdditive = wasAdditive;
            this.restored = restored;
        }

        @Override
        protected void append(ILoggingEvent event) {
            target.write(event.getFormattedMessage());
        }
    }

    /** An audit line for a request the HTTP server refused while parsing it (never reached the index). */
    public static void rejectedBeforeRouting(String method, String rawPath, String peer, int status, String reason) {
        AuditRecord r = new AuditRecord();
        r.time = java.time.Instant.now();
        r.requestId = RequestGuard.newRequestId();
        r.clientIp = peer;
        r.method = AuditRecord.clip(method, 16);
        // The raw path may be anything: no query (it may hold a key), control characters escaped by JSON, clipped.
        r.path = io.pypub.core.access.ApiKeyToken.redact(AuditRecord.clip(rawPath == null ? "" : rawPath, 2048));
        r.status = status;
        r.reason = reason;
        write(r);
    }
}
