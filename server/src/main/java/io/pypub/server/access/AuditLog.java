package io.pypub.server.access;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per request on the SLF4J logger {@value #LOGGER}. logback.xml
 * sends it to stdout as bare lines (the log collector of a container picks it up); {@link #toFile}
 * sends it to a file instead ({@code pypub serve --audit-log FILE}).
 */
public final class AuditLog {
    public static final String LOGGER = "pypub.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AuditLog() {
    }

    static void write(AuditRecord record) {
        LOG.info(record.toJson());
    }

    /** Appends audit lines to {@code file} (and no longer to the console). */
    public static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("The audit log file needs logback as the SLF4J backend");
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("AUDIT_FILE");
        appender.setFile(file.toAbsolutePath().toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger audit = context.getLogger(LOGGER);
        audit.detachAndStopAllAppenders();
        audit.setAdditive(false);
        audit.addAppender(appender);
    }

    /** An audit line for a request the HTTP server refused while parsing it (never reached the index). */
    public static void rejectedBeforeRouting(String method, String rawPath, String peer, int status, String reason) {
        AuditRecord r = new AuditRecord();
        r.time = java.time.Instant.now();
        r.requestId = java.util.UUID.randomUUID().toString();
        r.clientIp = peer;
        r.method = AuditRecord.clip(method, 16);
        // The raw path may be anything: no query (it may hold a key), control characters escaped by JSON, clipped.
        r.path = io.pypub.core.access.ApiKeyToken.redact(AuditRecord.clip(rawPath == null ? "" : rawPath, 2048));
        r.status = status;
        r.reason = reason;
        write(r);
    }
}
