package io.pypub.core.lifecycle;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Collects what the lifecycle operations write to the {@code pypub.audit} logger, parsed. */
final class AuditCapture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditTrail.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    AuditCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    List<Map<String, String>> lines() {
        return appender.list.stream().map(e -> parse(e.getFormattedMessage())).toList();
    }

    Map<String, String> last() {
        List<Map<String, String>> all = lines();
        return all.get(all.size() - 1);
    }

    private static Map<String, String> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (Exception e) {
            throw new AssertionError("audit line is not a JSON object of strings: " + json, e);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
