package io.pypub.core.storage;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the version table's and the access table's items share: the composite key ({@code pk}, {@code sk})
 * and the reading of string and time attributes (absent: null).
 */
public final class Attributes {
    public static final String PK = "pk";
    public static final String SK = "sk";

    private Attributes() {}

    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
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
