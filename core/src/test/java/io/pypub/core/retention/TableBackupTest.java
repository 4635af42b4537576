package io.pypub.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The version table survives a round trip through S3: export, then restore into an empty table. */
class TableBackupTest {
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void exportThenRestoreGivesBackEveryItemExactly() throws Exception {
        try (Deployment d = env.newDeployment()) {
            publish(d, "0.1.0");
            publish(d, "0.2.0");
            var backup = new TableBackup(d.clients().dynamo(), d.clients().s3());
            var exported = backup.export(d.settings().versionTable(), d.settings().bucket(), "backups/versions.jsonl", PublishLog.SILENT);
            // registry item, latest pointer and two releases (not the stage generation: the live table's change counter)
            assertThat(exported.items()).isEqualTo(withoutGenerations(d.tableSnapshot()).size()).isEqualTo(4);

            String restoredTable = d.settings().versionTable() + "-restored";
            new StorageProvisioner(d.clients()).ensureTable(restoredTable);
            backup.restore(d.settings().bucket(), "backups/versions.jsonl", restoredTable, PublishLog.SILENT);
            assertThat(withoutGenerations(scan(d, restoredTable))).isEqualTo(withoutGenerations(d.tableSnapshot()));
            var restored = scan(d, restoredTable);

            // Restoring again changes nothing (not even the generation): items are keyed, so the restore is idempotent.
            backup.restore(d.settings().bucket(), "backups/versions.jsonl", restoredTable, PublishLog.SILENT);
            assertThat(scan(d, restoredTable)).isEqualTo(restored);
        }
    }

    @Test
    void aDamagedBackupIsRefusedBeforeAnythingIsWritten() {
        try (Deployment d = env.newDeployment()) {
            String good = DynamoJson.write(Map.of("pk", AttributeValue.fromS("dev"), "sk", AttributeValue.fromS("x")));
            d.clients().s3().putObject(b -> b.bucket(d.settings().bucket()).key("bad.jsonl"),
                    RequestBody.fromString(good + "\n{\"pk\": {\"S\": \"dev\"}, \"sk\": oops}\n"));
            var backup = new TableBackup(d.clients().dynamo(), d.clients().s3());
            assertThatThrownBy(() -> backup.restore(d.settings().bucket(), "bad.jsonl", d.settings().versionTable(), PublishLog.SILENT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("line 2")
                    .hasMessageContaining("Nothing was restored");
            assertThat(d.tableSnapshot()).isEmpty();
        }
    }

    private void publish(Deployment d, String version) throws Exception {
        Path project = env.copyOfExample("hello-package");
        Files.writeString(project.resolve("pyproject.toml"), Files.readString(project.resolve("pyproject.toml")).replace("0.1.0", version));
        d.pipeline().publish(PublishRequest.builder(project, Stage.of("dev")).python(env.python().python().toString())
                .buildIsolation(false).docs(false).build(), new RecordingLog());
    }

    private static List<Map<String, AttributeValue>> withoutGenerations(List<Map<String, AttributeValue>> items) {
        return items.stream().filter(i -> !i.get("pk").s().equals(io.pypub.core.storage.StorageLayout.GENERATION_PK)).toList();
    }

    private static List<Map<String, AttributeValue>> scan(Deployment d, String table) {
        var items = new java.util.ArrayList<Map<String, AttributeValue>>();
        d.clients().dynamo().scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(i -> items.add(new TreeMap<>(i)));
        items.sort(Comparator.comparing(i -> i.get("pk").s() + "|" + i.get("sk").s()));
        return items;
    }
}
