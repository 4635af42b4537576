package io.pypub.core.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.audit.Redaction;
import io.pypub.core.storage.AwsClients;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of lifecycle operations: one JSON line per operation on the SLF4J logger
 * {@value #LOGGER}, with who did it, to what, and how it ended ({@code ok}, {@code unchanged},
 * {@code refused} or {@code failed}). Refusals are recorded too: who tried to yank prod matters.
 * Where the lines go (file, JSON encoder, CloudWatch) is the logging configuration's business.
 * The same event also goes to the deployment's central {@link ChangeLog} (the durable trail that
 * {@code pypub audit} reads) when the trail was made {@link #on} a deployment.
 */
public final class AuditTrail {
    public static final String LOGGER = "pypub.audit";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logger log;
    private final ChangeLog changes;

    /** Log lines only (tests of the rules); operations on a deployment use {@link #on}. */
    public AuditTrail() {
        this(ChangeLog.NONE);
    }

    public AuditTrail(ChangeLog changes) {
        this(LoggerFactory.getLogger(LOGGER), changes);
    }

    AuditTrail(Logger log) {
        this(log, ChangeLog.NONE);
    }

    AuditTrail(Logger log, ChangeLog changes) {
        this.log = log;
        this.changes = changes;
    }

    /** The log line and an event in the deployment's central change log. */
    public static AuditTrail on(AwsClients aws) {
        return new AuditTrail(ChangeLog.on(aws));
    }

    /** What an audited operation reports back. */
    public interface Outcome {
        /** False when the state already was as requested and nothing was written. */
        boolean changed();

        /** One sentence for people: what the operation did. */
        String message();
    }

    /** An operation's subject: who, what, where; the outcome is added by {@link #run}. */
    public static final class Event {
        private final Map<String, String> fields = new LinkedHashMap<>();

        private Event(String operation, String actor) {
            fields.put("operation", operation);
            fields.put("actor", actor);
        }

        public static Event of(String operation, String actor) {
            return new Event(operation, actor);
        }

        /** Adds a field; null values are left out. */
        public Event with(String key, Object value) {
            if (value != null) {
                fields.put(key, value.toString());
            }
            return this;
        }

        Map<String, String> fields() {
            return fields;
        }
    }

    /**
     * Runs an operation and records it. Bad input and rule violations ({@link IllegalArgumentException},
     * {@link IllegalStateException}) are {@code refused}; anything else thrown is {@code failed}.
     */
    public <T extends Outcome> T run(Event event, Supplier<T> operation) {
        T result;
        try {
            result = operation.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            write(event, "refused", e.getMessage());
            throw e;
        } catch (RuntimeException | Error e) {
            write(event, "failed", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            throw e;
        }
        write(event, result.changed() ? "ok" : "unchanged", result.message());
        return result;
    }

    private void write(Event event, String outcome, String detail) {
        Map<String, String> line = new LinkedHashMap<>();
        event.fields().forEach((k, v) -> line.put(k, Redaction.field(v)));
        line.put("outcome", outcome);
        if (detail != null) {
            line.put("detail", Redaction.text(detail, AuditEvent.MAX_MESSAGE));
        }
        changes.record(toEvent(event.fields(), outcome, detail));
        String json;
        try {
            json = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
        if (outcome.equals("failed")) {
            log.warn(json);
        } else {
            log.info(json);
        }
    }

    /** The central event: the target fields by name, everything else (reason, from, source) as details. */
    static AuditEvent toEvent(Map<String, String> fields, String outcome, String detail) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        AuditEvent.Builder b = AuditEvent.of(f.remove("operation"), f.remove("actor"));
        String stage = f.remove("stage");
        b.stage(stage != null ? stage : f.get("to"));
        b.project(f.remove("project"));
        b.version(f.remove("version"));
        f.forEach(b::detail);
        return b.finish(outcome, detail);
    }
}
