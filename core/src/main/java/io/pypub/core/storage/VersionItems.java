package io.pypub.core.storage;

import static io.pypub.core.storage.ReleaseItemCodec.*;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Item reads of the version table (consistent, paginated), with the release items decoded: what every writer reads first. */
final class VersionItems {
    private final DynamoDbClient dynamo;
    private final String table;

    VersionItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    String table() {
        return table;
    }

    /** A project's releases in a stage. */
    List<Release> releases(Stage stage, String project) {
        List<Release> out = new ArrayList<>();
        for (var item : releaseItems(stage, project)) {
            out.add(toRelease(stage, item));
        }
        return out;
    }

    /** A project's release items in a stage, as stored: what {@link #releases} decodes. */
    List<Map<String, AttributeValue>> releaseItems(Stage stage, String project) {
        return query(projectPk(stage, project), RELEASE_SK_PREFIX);
    }

    /** A project's {@code latest} and release items, as one query of its partition reads them. */
    record ProjectItems(Optional<LatestPointer> latest, List<Map<String, AttributeValue>> releases) {}

    /**
     * What a writer reads of a project before it decides: {@code latest} and the release items, from one query of the
     * project's partition instead of a GetItem and a query (one round trip less per record; the transaction is
     * conditioned on what was read either way).
     */
    ProjectItems projectItems(Stage stage, String project) {
        Optional<LatestPointer> latest = Optional.empty();
        List<Map<String, AttributeValue>> releases = new ArrayList<>();
        for (var item : query(projectPk(stage, project), null)) {
            String sk = item.get(SK).s();
            if (sk.equals(LATEST_SK)) {
                latest = Optional.of(toLatest(item));
            } else if (sk.startsWith(RELEASE_SK_PREFIX)) {
                releases.add(item);
            }
        }
        return new ProjectItems(latest, releases);
    }

    Optional<LatestPointer> latest(Stage stage, String project) {
        return getItem(projectPk(stage, project), LATEST_SK).map(ReleaseItemCodec::toLatest);
    }

    Optional<Map<String, AttributeValue>> getItem(String pk, String sk) {
        try {
            return Attributes.getConsistent(dynamo, table, pk, sk);
        } catch (SdkException e) {
            throw new StorageException("Reading DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
    }

    List<Map<String, AttributeValue>> query(String pk, String skPrefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true);
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":pk", AttributeValue.fromS(pk));
                if (skPrefix != null) {
                    q.keyConditionExpression("pk = :pk AND begins_with(sk, :p)");
                    values.put(":p", AttributeValue.fromS(skPrefix));
                } else {
                    q.keyConditionExpression("pk = :pk");
                }
                q.expressionAttributeValues(values);
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = dynamo.query(q.build());
                items.addAll(r.items());
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw new StorageException("Reading DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
        return items;
    }
}
