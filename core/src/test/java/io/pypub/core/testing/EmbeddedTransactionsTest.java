package io.pypub.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The embedded DynamoDB undoes a failed transaction by putting back only the items it touched
 * (serve_moto.py's patch, instead of moto's copy of the whole table): a cancelled transaction must
 * still leave every item exactly as it was, and a successful one must apply every write.
 */
class EmbeddedTransactionsTest {
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private DynamoDbClient dynamo;
    private String table;

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        dynamo = d.clients().dynamo();
        table = d.settings().versionTable();
        put("a", "1");
        put("b", "1");
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("item"));
    }

    private void put(String pk, String x) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("item"),
                "x", AttributeValue.fromS(x))));
    }

    private String x(String pk) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(pk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item.get("x").s();
    }

    private TransactWriteItem putC() {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk", AttributeValue.fromS("c"),
                "sk", AttributeValue.fromS("item"), "x", AttributeValue.fromS("new")))).build();
    }

    private TransactWriteItem updateA() {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key("a")).updateExpression("SET x = :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("2")))).build();
    }

    private TransactWriteItem deleteB() {
        return TransactWriteItem.builder().delete(del -> del.tableName(table).key(key("b"))).build();
    }

    @Test
    void aCancelledTransactionLeavesEveryTouchedItemAsItWas() {
        TransactWriteItem failing = TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key("missing"))
                .conditionExpression("attribute_exists(pk)")).build();
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(List.of(putC(), updateA(), deleteB(), failing))))
                .isInstanceOf(TransactionCanceledException.class);
        assertThat(x("a")).isEqualTo("1");
        assertThat(x("b")).isEqualTo("1");
        assertThat(x("c")).isNull();
        assertThat(x("missing")).isNull();
    }

    @Test
    void aConditionFailingOnAWrittenItemAlsoRollsBackTheWritesBeforeIt() {
        TransactWriteItem putExistingB = TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk",
                AttributeValue.fromS("b"), "sk", AttributeValue.fromS("item"), "x", AttributeValue.fromS("clobbered")))
                .conditionExpression("attribute_not_exists(pk)")).build();
        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(List.of(putC(), updateA(), putExistingB))))
                .isInstanceOf(TransactionCanceledException.class);
        assertThat(x("a")).isEqualTo("1");
        assertThat(x("b")).isEqualTo("1");
        assertThat(x("c")).isNull();
        assertThat(dynamo.scan(b -> b.tableName(table)).items()).hasSize(2);
    }

    @Test
    void aSuccessfulTransactionAppliesEveryWrite() {
        dynamo.transactWriteItems(b -> b.transactItems(List.of(putC(), updateA(), deleteB())));
        assertThat(x("a")).isEqualTo("2");
        assertThat(x("b")).isNull();
        assertThat(x("c")).isEqualTo("new");
    }
}
