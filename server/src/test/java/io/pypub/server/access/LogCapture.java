package io.pypub.server.access;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Every log line of the JVM (all loggers, with stack traces) while attached; audit lines parsed as JSON. */
final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<String> auditLines = new CopyOnWriteArrayList<>();

    static LogCapture attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture c = new LogCapture();
        c.setContext(context);
        c.setName("capture-" + System.identityHashCode(c));
        c.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(c);
        context.getLogger(AuditLog.LOGGER).addAppender(c); // in case the audit logger is not additive
        return c;
    }

    @Override
    protected void append(ILoggingEvent e) {
        String line = e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() != null ? "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()) : "");
        if (e.getLoggerName().equals(AuditLog.LOGGER)) {
            if (!auditLines.contains(e.getFormattedMessage())) {
                auditLines.add(e.getFormattedMessage());
            }
        }
        lines.add(line);
    }

    List<JsonNode> audit() {
        return auditLines.stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception ex) {
                throw new AssertionError("Audit line is not JSON: " + l, ex);
            }
        }).toList();
    }

    String all() {
        return String.join("\n", lines);
    }

    @Override
    public void stop() {
        LoggerContext context = (LoggerContext) getContext();
        if (context != null) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
            context.getLogger(AuditLog.LOGGER).detachAppender(this);
        }
        super.stop();
    }
}
