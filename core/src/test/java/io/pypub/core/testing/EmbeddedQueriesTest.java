package io.pypub.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The embedded DynamoDB answers a Query from the asked partition alone (serve_moto.py's patch, instead of
 * moto sorting every item of the table for each query): the answers must be DynamoDB's, in range-key order,
 * with key conditions, descending order and paging, and nothing of other partitions.
 */
class EmbeddedQueriesTest {
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        dynamo = d.clients().dynamo();
        table = d.settings().versionTable();
        // Partitions around the asked one, written out of order.
        for (String pk : List.of("b", "a", "c")) {
            for (String sk : List.of("v#3", "latest", "v#1", "v#2", "w#1")) {
                dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk))));
            }
        }
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private List<String> query(QueryRequest.Builder q) {
        List<String> sks = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder page = q.copy().tableName(table).consistentRead(true);
            if (start != null) {
                page.exclusiveStartKey(start);
            }
            QueryResponse r = dynamo.query(page.build());
            r.items().forEach(i -> sks.add(i.get("pk").s() + "/" + i.get("sk").s()));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return sks;
    }

    @Test
    void aQueryReadsExactlyItsPartitionInRangeKeyOrder() {
        assertThat(query(QueryRequest.builder().keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("b")))))
                .containsExactly("b/latest", "b/v#1", "b/v#2", "b/v#3", "b/w#1");
        assertThat(query(QueryRequest.builder().keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("b"), ":p", AttributeValue.fromS("v#")))))
                .containsExactly("b/v#1", "b/v#2", "b/v#3");
        assertThat(query(QueryRequest.builder().keyConditionExpression("pk = :pk").scanIndexForward(false).limit(2)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("c")))))
                .containsExactly("c/w#1", "c/v#3", "c/v#2", "c/v#1", "c/latest");
        assertThat(query(QueryRequest.builder().keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("missing"))))).isEmpty();
    }
}
