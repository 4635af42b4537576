package io.pypub.core.storage;

import static io.pypub.core.storage.ReleaseItemCodec.*;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.Release;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;

/** The conditions that make a write hold only while what its caller read is still there. */
final class ItemConditions {
    private ItemConditions() {}

    /** A condition that holds while a release item is still the record read. */
    static String recordAsRead(Release read, Map<String, String> names, Map<String, AttributeValue> values) {
        names.put("#rev", REVISION);
        if (read.revision() != null) {
            values.put(":rev", AttributeValue.fromS(read.revision()));
            return "#rev = :rev";
        }
        names.put("#pat", "published_at");
        values.put(":pat", AttributeValue.fromS(read.publishedAt().toString()));
        return "attribute_exists(pk) AND attribute_not_exists(#rev) AND #pat = :pat";
    }

    /** A condition that holds while {@code latest} is still as read. */
    static String latestAsRead(Optional<LatestPointer> read, Map<String, String> names, Map<String, AttributeValue> values) {
        if (read.isEmpty()) {
            return "attribute_not_exists(pk)";
        }
        names.put("#v", "version");
        names.put("#pin", "pinned");
        values.put(":rv", AttributeValue.fromS(read.get().version()));
        values.put(":rp", AttributeValue.fromBool(true));
        return read.get().pinned() ? "#v = :rv AND #pin = :rp" : "#v = :rv AND (attribute_not_exists(#pin) OR #pin <> :rp)";
    }

    /** Conditions a write of the registry item on the project's revision ({@code updated}) as read, or its absence. */
    static Put.Builder registryAsRead(Put.Builder putRegistry, Optional<Map<String, AttributeValue>> registry) {
        String readUpdated = registry.map(r -> s(r, "updated")).orElse(null);
        if (registry.isEmpty()) {
            putRegistry.conditionExpression("attribute_not_exists(pk)");
        } else if (readUpdated == null) {
            putRegistry.conditionExpression("attribute_exists(pk) AND attribute_not_exists(#upd)")
                    .expressionAttributeNames(Map.of("#upd", "updated"));
        } else {
            putRegistry.conditionExpression("#upd = :u").expressionAttributeNames(Map.of("#upd", "updated"))
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(readUpdated)));
        }
        return putRegistry;
    }
}
