package io.pypub.core.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the version table's and the access table's items share: the composite key ({@code pk}, {@code sk})
 * and the reading of items and of string and time attributes (absent: null).
 */
public final class Attributes {
    public static final String PK = "pk";
    public static final String SK = "sk";

    private Attributes() {}

    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
    }

    /** The item with this key, read consistently; empty when there is none (a missing item may come back as an empty map). */
    public static Optional<Map<String, AttributeValue>> getConsistent(DynamoDbClient dynamo, String table, String pk, String sk) {
        var r = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(key(pk, sk)));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty();
    }

    public static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** An ISO-8601 instant stored as a string. */
    public static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = string(item, name);
        return v == null ? null : Instant.parse(v);
    }
}
