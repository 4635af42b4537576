package io.pypub.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.lifecycle.ReleasePromoter;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Stage;
import io.pypub.core.retention.PrunePolicy;
import io.pypub.core.retention.ReleasePruner;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.StorageException;
import io.pypub.core.testing.EmbeddedBackends;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.ExampleVersions;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The core operations as the Jenkins steps call them ({@code X.on(aws)}) write their events to the
 * deployment's change log, success and failure; events hold no secrets; a store that is down
 * never changes an operation's outcome.
 */
class ChangeLogTest {
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void publishLifecyclePromoteImportAndPruneThroughCoreWriteOneEventEach() throws Exception {
        try (Deployment d = env.newDeployment()) {
            Instant start = Instant.now();
            String build = "https://jenkins.example.com/job/hello/12/";
            publish(d, ExampleVersions.helloPackage(env, "1.0.0", null), build);
            publish(d, ExampleVersions.helloPackage(env, "1.1.0", null), build);
            assertThatThrownBy(() -> publish(d, ExampleVersions.helloPackage(env, "1.1.0", null), build))
                    .hasMessageContaining("already published");
            ReleaseLifecycle.on(d.clients()).rollback(Stage.of("dev"), "hello-package", "1.0.0", "1.1.0 breaks imports", build);
            ReleaseLifecycle.on(d.clients()).unpin(Stage.of("dev"), "hello-package", build);
            ReleasePromoter.on(d.clients()).promote("hello-package", "1.1.0", Stage.of("dev"), Stage.of("test"), build, PublishLog.SILENT);
            Path folder = TestEnvironment.tempDir("import-src");
            java.nio.file.Files.writeString(folder.resolve("README.txt"), "nothing to import");
            ReleaseImporter.on(d.clients()).importFolder(folder, Stage.of("prod"), build, PublishLog.SILENT);
            List<ReleasePruner.Pruned> pruned = ReleasePruner.on(d.clients()).prune(Stage.of("dev"), new PrunePolicy(1, null), false,
                    build, PublishLog.SILENT);
            assertThat(pruned).extracting(ReleasePruner.Pruned::version).containsExactly("1.0.0");

            List<AuditEvent> events = ChangeLog.on(d.clients()).between(start, Instant.now().plusSeconds(1));
            assertThat(events).extracting(e -> e.operation() + ":" + e.outcome() + ":" + e.version()).containsExactly(
                    "publish:ok:1.0.0", "publish:ok:1.1.0", "publish:failed:null", "rollback:ok:1.0.0", "unpin:ok:null",
                    "promote:ok:1.1.0", "import:unchanged:null", "prune:ok:1.0.0");
            assertThat(events).allSatisfy(e -> assertThat(e.actor()).isEqualTo(build));
            assertThat(events.get(2).project()).isEqualTo("hello-package");
            assertThat(events.get(2).message()).contains("1.1.0 is already published");
            assertThat(events.get(3).details()).containsEntry("reason", "1.1.0 breaks imports");
            assertThat(events.get(5).stage()).isEqualTo("test");
        }
    }

    private static void publish(Deployment d, Path project, String by) {
        d.pipeline().publish(PublishRequest.builder(project, Stage.of("dev")).python(TestEnvironment.get().python().python().toString())
                .buildIsolation(false).docs(false).publishedBy(by).build(), new RecordingLog());
    }

    @Test
    void secretsLongTextsAndControlCharactersNeverReachAnEvent() {
        String key = "pypub_abcdefghij_" + "q".repeat(52);
        AuditEvent e = AuditEvent.of("import", "https://__token__:" + key + "@old.example.com/simple/")
                .detail("source", "https://user:hunter2@old.example.com/simple/?key=" + key + "&x=1")
                .detail("reason", "r".repeat(100_000))
                .finish(AuditEvent.FAILED, "line one\nline two\u0000 Authorization: Bearer abcdefghijklmnop " + key);
        String all = e.toJson().toString();
        assertThat(all).doesNotContain("q".repeat(20)).doesNotContain("hunter2").doesNotContain("abcdefghijklmnop")
                .doesNotContain("\n").doesNotContain("\u0000");
        assertThat(e.actor()).isEqualTo("https://[redacted]@old.example.com/simple/");
        assertThat(e.details().get("source")).isEqualTo("https://[redacted]@old.example.com/simple/?key=[redacted]&x=1");
        assertThat(e.details().get("reason")).hasSize(Redaction.MAX_FIELD + 3).endsWith("...");
        assertThat(e.message()).startsWith("line one line two  Authorization: Bearer [redacted] pypub_abcdefghij_[redacted]");

        // Linear time: a megabyte of one letter (what an unbounded URL pattern took minutes over).
        long t0 = System.nanoTime();
        Redaction.text("x".repeat(1_000_000), AuditEvent.MAX_MESSAGE);
        Redaction.secrets("h".repeat(200_000));
        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
    }

    @Test
    void anUnreachableStoreNeverChangesTheOutcomeAndAnUnreadableOneIsAnError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closed);
        AwsSettings settings = new AwsSettings("us-east-1", "b", "", null, "v", "a", nowhere, nowhere);
        try (AwsClients down = new AwsClients(settings, EmbeddedBackends.credentials())) {
            ChangeLog log = ChangeLog.on(down);
            String result = log.run(AuditEvent.of("users.remove", "me").user("alice"), () -> "done", r -> r);
            assertThat(result).isEqualTo("done");
            assertThatThrownBy(() -> log.between(Instant.now().minusSeconds(60), Instant.now()))
                    .isInstanceOf(StorageException.class).hasMessageContaining("Reading the audit trail from table a failed");
        }
        try (Deployment d = env.newDeployment()) {
            // A damaged item is reported, not skipped.
            d.clients().dynamo().putItem(b -> b.tableName(d.settings().accessTable()).item(Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("audit#" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(AuditEvent.SORTABLE.format(Instant.now()) + "#x"))));
            assertThatThrownBy(() -> ChangeLog.on(d.clients()).between(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1)))
                    .isInstanceOf(StorageException.class).hasMessageContaining("Damaged audit item");
        }
    }
}
