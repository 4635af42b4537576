package io.pypub.core.audit;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change to a deployment, as the central audit trail keeps it: who ({@code actor}) did what
 * ({@code operation}) to which target ({@code stage}, {@code project}, {@code version}, {@code keyId},
 * {@code user}, {@code client}), how it ended ({@code outcome}: {@code ok}, {@code unchanged},
 * {@code refused}, {@code failed}, with a {@code message}) and when. Every text is cleaned on the way
 * in ({@link Redaction}): API keys, URL passwords and tokens are replaced, control characters become
 * spaces and long texts are cut, so an event can be printed and stored as it is.
 *
 * @param details other facts of the operation (reason, from/to, backup key, ...), never secrets
 */
public record AuditEvent(
        Instant time,
        String id,
        String actor,
        String operation,
        String outcome,
        String message,
        String stage,
        String project,
        String version,
        String keyId,
        String user,
        String client,
        Map<String, String> details) {

    public static final String OK = "ok";
    public static final String UNCHANGED = "unchanged";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    /** Longest message kept; a reason is cut at {@link Redaction#MAX_FIELD}. */
    public static final int MAX_MESSAGE = 2000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /** Fixed width, so the sort key orders events by time as strings. */
    static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        id = id == null ? newId() : Redaction.field(id);
        actor = actor == null || actor.isBlank() ? "unknown" : Redaction.field(actor);
        operation = Redaction.field(operation);
        outcome = Redaction.field(outcome);
        message = Redaction.text(message, MAX_MESSAGE);
        stage = Redaction.field(stage);
        project = Redaction.field(project);
        version = Redaction.field(version);
        keyId = Redaction.field(keyId);
        user = Redaction.field(user);
        client = Redaction.field(client);
        Map<String, String> clean = new TreeMap<>();
        if (details != null) {
            details.forEach((k, v) -> {
                if (k != null && v != null) {
                    clean.put(Redaction.field(k), Redaction.field(v));
                }
            });
        }
        details = Collections.unmodifiableMap(clean);
    }

    public static Builder of(String operation, String actor) {
        return new Builder(operation, actor);
    }

    /** The UTC day the event belongs to, {@code yyyy-MM-dd}. */
    public String day() {
        return time.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** The event's sort key within its day: time (fixed width) and id. */
    public String sortKey() {
        return SORTABLE.format(time) + "#" + id;
    }

    public boolean succeeded() {
        return outcome.equals(OK) || outcome.equals(UNCHANGED);
    }

    /** The event as a JSON object (what `pypub audit --json` prints); empty fields are left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "change");
        m.put("time", time.toString());
        m.put("id", id);
        m.put("operation", operation);
        m.put("outcome", outcome);
        m.put("actor", actor);
        putIf(m, "stage", stage);
        putIf(m, "project", project);
        putIf(m, "version", version);
        putIf(m, "key_id", keyId);
        putIf(m, "user", user);
        putIf(m, "client", client);
        putIf(m, "message", message);
        if (!details.isEmpty()) {
            m.put("details", details);
        }
        return m;
    }

    /** What the event changed, in a few words: stage/project/version, key id, user. */
    public String target() {
        StringBuilder t = new StringBuilder();
        if (stage != null) {
            t.append(stage);
        }
        if (project != null) {
            t.append(t.length() > 0 ? "/" : "").append(project);
        }
        if (version != null) {
            t.append(t.length() > 0 ? "/" : "").append(version);
        }
        if (keyId != null) {
            t.append(t.length() > 0 ? " " : "").append("key ").append(keyId);
        }
        if (user != null) {
            t.append(t.length() > 0 ? " " : "").append("user ").append(user);
        }
        if (client != null) {
            t.append(t.length() > 0 ? " " : "").append("client ").append(client);
        }
        return t.length() == 0 ? "-" : t.toString();
    }

    private static void putIf(Map<String, Object> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    static String newId() {
        char[] c = new char[12];
        for (int i = 0; i < c.length; i++) {
            c[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(c);
    }

    /** Collects an event's subject before the operation runs; {@link #finish} adds the outcome and the time. */
    public static final class Builder {
        private final String operation;
        private final String actor;
        private String stage;
        private String project;
        private String version;
        private String keyId;
        private String user;
        private String client;
        private final Map<String, String> details = new LinkedHashMap<>();

        private Builder(String operation, String actor) {
            this.operation = Objects.requireNonNull(operation, "operation");
            this.actor = actor;
        }

        public Builder stage(Object stage) {
            this.stage = str(stage);
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder version(Object version) {
            this.version = str(version);
            return this;
        }

        public Builder keyId(String keyId) {
            this.keyId = keyId;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder client(String client) {
            this.client = client;
            return this;
        }

        /** Adds a detail; null values are left out. Never pass a secret. */
        public Builder detail(String key, Object value) {
            if (value != null) {
                details.put(key, value.toString());
            }
            return this;
        }

        public String operation() {
            return operation;
        }

        public AuditEvent finish(String outcome, String message) {
            return new AuditEvent(Instant.now(), null, actor, operation, outcome, message, stage, project, version, keyId, user,
                    client, details);
        }

        private static String str(Object o) {
            return o == null ? null : o.toString();
        }
    }
}
