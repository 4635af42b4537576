package io.pypub.core.access;

import io.pypub.core.storage.Attributes;
import io.pypub.core.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Item plumbing shared by the access table's item types (keys, docs users, usage counters): the
 * composite key ({@code pk}, {@code sk}, as in the version table) and attribute conversions.
 */
final class AccessItems {
    static final String PK = Attributes.PK;
    static final String SK = Attributes.SK;

    private final DynamoDbClient dynamo;
    private final String table;

    AccessItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    String table() {
        return table;
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Attributes.key(pk, sk);
    }

    Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        return call("Reading", () -> Attributes.getConsistent(dynamo, table, pk, sk));
    }

    /** Every item whose pk starts with {@code pkPrefix} (a scan: the access table is small). */
    List<Map<String, AttributeValue>> scan(String pkPrefix) {
        return call("Reading", () -> {
            List<Map<String, AttributeValue>> out = new ArrayList<>();
            dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)
                            .filterExpression("begins_with(#pk, :p)")
                            .expressionAttributeNames(Map.of("#pk", PK))
                            .expressionAttributeValues(Map.of(":p", s(pkPrefix))))
                    .items().forEach(out::add);
            return out;
        });
    }

    /** Puts an item, failing with {@code onConflict} when the condition does not hold. */
    void put(Map<String, AttributeValue> item, String condition, Supplier<AccessException> onConflict) {
        call("Writing", () -> {
            try {
                dynamo.putItem(b -> {
                    b.tableName(table).item(item);
                    if (condition != null) {
                        b.conditionExpression(condition).expressionAttributeNames(Map.of("#pk", PK));
                    }
                });
            } catch (ConditionalCheckFailedException e) {
                throw onConflict.get();
            }
            return null;
        });
    }

    void delete(String pk, String sk, Supplier<AccessException> ifMissing) {
        call("Writing", () -> {
            try {
                dynamo.deleteItem(b -> b.tableName(table).key(key(pk, sk))
                        .conditionExpression("attribute_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK)));
            } catch (ConditionalCheckFailedException e) {
                throw ifMissing.get();
            }
            return null;
        });
    }

    <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (AccessException e) {
            throw e;
        } catch (SdkException e) {
            throw new StorageException(what + " DynamoDB access table " + table + " failed: " + e.getMessage(), e);
        }
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(Number v) {
        return AttributeValue.fromN(v.toString());
    }

    static AttributeValue strings(Collection<String> values) {
        return AttributeValue.fromL(values.stream().sorted().map(AttributeValue::fromS).toList());
    }

    static void putIfPresent(Map<String, AttributeValue> item, String name, Object value) {
        if (value instanceof Instant i) {
            item.put(name, s(i.toString()));
        } else if (value instanceof Number num) {
            item.put(name, n(num));
        } else if (value != null) {
            item.put(name, s(value.toString()));
        }
    }

    static String str(Map<String, AttributeValue> item, String name) {
        return Attributes.string(item, name);
    }

    static Instant instant(Map<String, AttributeValue> item, String name) {
        return Attributes.instant(item, name);
    }

    static Long longOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Long.parseLong(v.n());
    }

    static double number(Map<String, AttributeValue> item, String name, double otherwise) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? otherwise : Double.parseDouble(v.n());
    }

    static Set<String> stringSet(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || !v.hasL()) {
            return Set.of();
        }
        return Set.copyOf(v.l().stream().map(AttributeValue::s).toList());
    }

    static Map<String, AttributeValue> newItem(String pk, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk));
        item.put(SK, s(sk));
        return item;
    }
}
