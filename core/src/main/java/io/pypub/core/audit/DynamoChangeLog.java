package io.pypub.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Audit events as items of the access table, one partition per UTC day:
 * {@code pk=audit#yyyy-MM-dd}, {@code sk=<time, fixed width>#<event id>}. Written once with
 * {@code attribute_not_exists} (never updated); read with one consistent Query per day of the range.
 * See docs/ARCHITECTURE.md for the schema and why DynamoDB and this table.
 */
public final class DynamoChangeLog implements ChangeLog {
    public static final String PK_PREFIX = "audit#";
    /** Longest range one query reads (one DynamoDB Query per day). */
    public static final int MAX_DAYS = 400;
    static final int SCHEMA = 1;

    private static final Logger LOG = LoggerFactory.getLogger(DynamoChangeLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoChangeLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void record(AuditEvent event) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(toItem(event)).conditionExpression("attribute_not_exists(pk)"));
        } catch (RuntimeException e) {
            LOG.error("The audit event could not be written to table {} ({}); here it is in full: {}", table,
                    Redaction.field(ChangeLog.messageOf(e)), json(event));
        }
    }

    @Override
    public List<AuditEvent> between(Instant since, Instant until) {
        if (!since.isBefore(until)) {
            return List.of();
        }
        LocalDate first = LocalDate.ofInstant(since, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(until.minusNanos(1), ZoneOffset.UTC);
        long days = Duration.between(first.atStartOfDay(), last.atStartOfDay()).toDays() + 1;
        if (days > MAX_DAYS) {
            throw new IllegalArgumentException("That range covers " + days + " days; ask for at most " + MAX_DAYS
                    + " at a time (--since/--until)");
        }
        String from = AuditEvent.SORTABLE.format(since);
        String to = AuditEvent.SORTABLE.format(until);
        List<AuditEvent> out = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            String pk = PK_PREFIX + day;
            try {
                dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                                .expressionAttributeValues(Map.of(":pk", s(pk), ":from", s(from), ":to", s(to))))
                        .items().forEach(item -> {
                            AuditEvent e = fromItem(item);
                            if (!e.time().isBefore(since) && e.time().isBefore(until)) {
                                out.add(e);
                            }
                        });
            } catch (SdkException e) {
                throw new StorageException("Reading the audit trail from table " + table + " failed: " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparing(AuditEvent::time).thenComparing(AuditEvent::id));
        return out;
    }

    static Map<String, AttributeValue> toItem(AuditEvent e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(PK_PREFIX + e.day()));
        item.put("sk", s(e.sortKey()));
        item.put("schema", AttributeValue.fromN(Integer.toString(SCHEMA)));
        item.put("event_id", s(e.id()));
        item.put("time", s(e.time().toString()));
        item.put("actor", s(e.actor()));
        item.put("operation", s(e.operation()));
        item.put("outcome", s(e.outcome()));
        put(item, "message", e.message());
        put(item, "stage", e.stage());
        put(item, "project", e.project());
        put(item, "version", e.version());
        put(item, "key_id", e.keyId());
        put(item, "user", e.user());
        put(item, "client", e.client());
        if (!e.details().isEmpty()) {
            Map<String, AttributeValue> d = new HashMap<>();
            e.details().forEach((k, v) -> d.put(k, s(v)));
            item.put("details", AttributeValue.fromM(d));
        }
        return item;
    }

    static AuditEvent fromItem(Map<String, AttributeValue> item) {
        Map<String, String> details = new HashMap<>();
        AttributeValue d = item.get("details");
        if (d != null && d.hasM()) {
            d.m().forEach((k, v) -> details.put(k, v.s()));
        }
        String time = str(item, "time");
        if (time == null || str(item, "operation") == null || str(item, "outcome") == null) {
            throw new StorageException("Damaged audit item " + str(item, "pk") + " / " + str(item, "sk")
                    + ": no time, operation or outcome");
        }
        Instant t;
        try {
            t = Instant.parse(time);
        } catch (java.time.format.DateTimeParseException ex) {
            throw new StorageException("Damaged audit item " + str(item, "pk") + " / " + str(item, "sk") + ": bad time '"
                    + Redaction.field(time) + "'");
        }
        return new AuditEvent(t, str(item, "event_id"), str(item, "actor"), str(item, "operation"), str(item, "outcome"),
                str(item, "message"), str(item, "stage"), str(item, "project"), str(item, "version"), str(item, "key_id"),
                str(item, "user"), str(item, "client"), details);
    }

    static String json(AuditEvent e) {
        try {
            return JSON.writeValueAsString(e.toJson());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an event of strings always serializes", ex);
        }
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, s(value));
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
