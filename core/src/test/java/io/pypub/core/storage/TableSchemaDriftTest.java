package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.access.DownloadQuota;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TemplateTables;
import io.pypub.core.testing.TestEnvironment;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * deploy/aws/pypub.yaml is the one definition of the tables: the suite creates its tables from it
 * ({@link TemplateTables}). These tests fail when the code's key names, StorageProvisioner (`pypub
 * init`) or the TTL attribute drift from the template.
 */
class TableSchemaDriftTest {

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
    }

    private static List<String> attributes(List<AttributeDefinition> definitions) {
        return definitions.stream().map(a -> a.attributeName() + ":" + a.attributeTypeAsString()).sorted().toList();
    }

    @Test
    void templateKeySchemaIsTheOneTheCodeUses() throws Exception {
        String accessPk = staticString("io.pypub.core.access.AccessItems", "PK");
        String accessSk = staticString("io.pypub.core.access.AccessItems", "SK");
        assertThat(keys(TemplateTables.createTableRequest(TemplateTables.VERSION_TABLE, "v").keySchema()))
                .as("VersionTable's KeySchema in %s against DynamoVersionTable", TemplateTables.template())
                .containsExactly(DynamoVersionTable.PK + ":HASH", DynamoVersionTable.SK + ":RANGE");
        assertThat(keys(TemplateTables.createTableRequest(TemplateTables.ACCESS_TABLE, "a").keySchema()))
                .as("AccessTable's KeySchema in %s against AccessItems", TemplateTables.template())
                .containsExactly(accessPk + ":" + KeyType.HASH, accessSk + ":" + KeyType.RANGE);
    }

    @Test
    void storageProvisionerCreatesWhatTheTemplateDeclares() {
        CreateTableRequest code = StorageProvisioner.tableDefinition("t");
        for (String table : List.of(TemplateTables.VERSION_TABLE, TemplateTables.ACCESS_TABLE)) {
            CreateTableRequest template = TemplateTables.createTableRequest(table, "t");
            assertThat(keys(code.keySchema())).as("%s key schema", table).isEqualTo(keys(template.keySchema()));
            assertThat(attributes(code.attributeDefinitions())).as("%s attributes", table)
                    .isEqualTo(attributes(template.attributeDefinitions()));
            assertThat(code.billingModeAsString()).as("%s billing mode", table).isEqualTo(template.billingModeAsString());
        }
    }

    @Test
    void ttlAttributeIsTheOneTheCountersCarry() {
        assertThat(TemplateTables.ttlAttribute(TemplateTables.ACCESS_TABLE))
                .as("AccessTable's TimeToLiveSpecification").contains(DownloadQuota.TTL_ATTRIBUTE);
        assertThat(StorageProvisioner.ACCESS_TTL_ATTRIBUTE).isEqualTo(DownloadQuota.TTL_ATTRIBUTE);
        // The version table has no TTL: its items are releases, and leases expire by their condition.
        assertThat(TemplateTables.ttlAttribute(TemplateTables.VERSION_TABLE)).isEmpty();
    }

    @Test
    void suiteTablesAreCreatedFromTheTemplate() {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            for (var table : List.of(List.of(TemplateTables.VERSION_TABLE, d.settings().versionTable()),
                    List.of(TemplateTables.ACCESS_TABLE, d.settings().accessTable()))) {
                TableDescription live = d.clients().dynamo().describeTable(b -> b.tableName(table.get(1))).table();
                CreateTableRequest template = TemplateTables.createTableRequest(table.get(0), table.get(1));
                assertThat(keys(live.keySchema())).isEqualTo(keys(template.keySchema()));
                assertThat(attributes(live.attributeDefinitions())).isEqualTo(attributes(template.attributeDefinitions()));
                var ttl = d.clients().dynamo().describeTimeToLive(b -> b.tableName(table.get(1))).timeToLiveDescription();
                assertThat(java.util.Optional.ofNullable(ttl.attributeName())).isEqualTo(TemplateTables.ttlAttribute(table.get(0)));
            }
        }
    }

    private static String staticString(String className, String field) throws ReflectiveOperationException {
        var f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        return (String) f.get(null);
    }
}
