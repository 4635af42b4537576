package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.EmbeddedBackends;
import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 11 item 5: every change made with the real `pypub` command line writes one event to the
 * deployment's central change log (the access table), and `pypub audit` finds them again, from
 * another process's clients, by actor, operation, project, client and time; no secret is ever in it.
 */
class ChangeAuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    int pypub(String... args) {
        return pypubIn(null, args);
    }

    int pypubIn(String stdin, String... args) {
        return InProcessCli.run(out, err, stdin, InProcessCli.on(d, args));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyChangeFromTheCommandLineIsOneCentralEventThatAuditFindsAgain() throws Exception {
        Instant start = Instant.now();
        String project = env.copyOfExample("hello-package").toString();
        String python = env.python().python().toString();
        String alice = "https://jenkins.example.com/job/hello/7/";

        // publish: ok, then refused as a repeat; both are events.
        assertThat(pypub("publish", project, "--stage", "dev", "--python", python, "--no-isolation", "--no-docs", "--actor", alice))
                .as(err()).isZero();
        assertThat(pypub("publish", project, "--stage", "dev", "--python", python, "--no-isolation", "--no-docs", "--actor", alice))
                .isEqualTo(1);
        // lifecycle
        assertThat(pypub("promote", "hello-package", "0.1.0", "--from", "dev", "--to", "prod", "--actor", "bob@ops")).as(err()).isZero();
        assertThat(pypub("yank", "hello-package", "0.1.0", "--stage", "dev", "--reason", "broken wheel", "--actor", "bob@ops"))
                .as(err()).isZero();
        assertThat(pypub("unyank", "hello-package", "0.1.0", "--stage", "dev", "--actor", "bob@ops")).as(err()).isZero();
        // keys: the secret is printed once and never stored in an event
        assertThat(pypub("keys", "create", "--client", "acme", "--stages", "prod", "--actor", "carol@admin")).as(err()).isZero();
        String key = out().strip();
        String keyId = key.substring(6, 16);
        assertThat(pypub("keys", "rotate", keyId, "--actor", "carol@admin")).as(err()).isZero();
        String rotated = out().strip();
        assertThat(pypub("keys", "revoke", keyId, "--actor", "carol@admin")).as(err()).isZero();
        // users: the password never appears
        String password = "correct horse battery staple 42";
        assertThat(pypubIn(password + "\n", "users", "add", "alice", "--stages", "prod", "--password-stdin", "--actor", "carol@admin"))
                .as(err()).isZero();
        assertThat(pypubIn(password + "!\n", "users", "passwd", "alice", "--password-stdin", "--actor", "carol@admin")).as(err()).isZero();
        assertThat(pypub("users", "remove", "alice", "--actor", "carol@admin")).as(err()).isZero();
        // backup and restore
        assertThat(pypub("backup", "--key", "backups/audit-test.jsonl", "--actor", "dave@dr")).as(err()).isZero();
        assertThat(pypub("restore", "--key", "backups/audit-test.jsonl", "--table", "restored-" + d.settings().versionTable(),
                "--actor", "dave@dr")).as(err()).isZero();
        assertThat(pypub("init", "--actor", "dave@dr")).as(err()).isZero();

        // Read back through other clients, as another machine would.
        List<AuditEvent> events;
        try (AwsClients other = new AwsClients(d.settings(), EmbeddedBackends.credentials())) {
            events = ChangeLog.on(other).between(start, Instant.now().plusSeconds(1));
        }
        assertThat(events).extracting(e -> e.operation() + ":" + e.outcome()).containsExactly(
                "publish:ok", "publish:failed", "promote:ok", "yank:ok", "unyank:ok", "keys.create:ok", "keys.rotate:ok",
                "keys.revoke:ok", "users.add:ok", "users.passwd:ok", "users.remove:ok", "backup:ok", "restore:ok", "init:ok");
        AuditEvent published = events.get(0);
        assertThat(published.actor()).isEqualTo(alice);
        assertThat(published.stage()).isEqualTo("dev");
        assertThat(published.project()).isEqualTo("hello-package");
        assertThat(published.version()).isEqualTo("0.1.0");
        assertThat(published.details().get("files")).contains("hello_package-0.1.0.tar.gz", "hello_package-0.1.0-py3-none-any.whl");
        assertThat(events.get(1).message()).contains("already published");
        assertThat(events.get(2).stage()).isEqualTo("prod");
        assertThat(events.get(2).details()).containsEntry("from", "dev");
        assertThat(events.get(3).details()).containsEntry("reason", "broken wheel");
        assertThat(events.get(5).keyId()).isEqualTo(keyId);
        assertThat(events.get(5).client()).isEqualTo("acme");
        assertThat(events.get(7).client()).isEqualTo("acme");
        assertThat(events.get(8).user()).isEqualTo("alice");
        assertThat(events.get(11).details()).containsEntry("key", "backups/audit-test.jsonl");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.time()).isBetween(start, Instant.now());
            assertThat(e.id()).hasSize(12);
        });

        // The stored items: one partition per UTC day, and no secret in any of them.
        String day = LocalDate.now(ZoneOffset.UTC).toString();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        d.clients().dynamo().queryPaginator(b -> b.tableName(d.settings().accessTable()).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("audit#" + day)))).items().forEach(items::add);
        assertThat(items).hasSize(14);
        String stored = items.stream().map(Map::toString).collect(Collectors.joining("\n"));
        assertThat(stored).doesNotContain(key.substring(17)).doesNotContain(rotated.substring(17)).doesNotContain("horse battery");

        // pypub audit: filters, JSON lines.
        assertThat(pypub("audit", "--since", day, "--actor", "carol@admin", "--json")).as(err()).isZero();
        List<JsonNode> carol = out().lines().map(ChangeAuditTest::json).toList();
        assertThat(carol).extracting(n -> n.path("operation").asText()).containsExactly("keys.create", "keys.rotate", "keys.revoke",
                "users.add", "users.passwd", "users.remove");
        assertThat(pypub("audit", "--since", day, "--client", "acme", "--operation", "keys.revoke", "--json")).as(err()).isZero();
        assertThat(out().lines().map(ChangeAuditTest::json)).singleElement()
                .satisfies(n -> assertThat(n.path("key_id").asText()).isEqualTo(keyId));
        assertThat(pypub("audit", "--project", "Hello_Package", "--since", start.toString(), "--until", day)).as(err()).isZero();
        assertThat(out()).startsWith("5 changes to project Hello_Package from ").contains("publish", "promote", "yank", "unyank")
                .contains(alice).contains("bob@ops").doesNotContain("keys.create");
        // A range that ends before the first event finds nothing; the month form works too.
        assertThat(pypub("audit", "--until", start.minusSeconds(1).toString(), "--json")).as(err()).isZero();
        assertThat(out()).isEmpty();
        assertThat(pypub("audit", "--month", day.substring(0, 7), "--operation", "publish")).as(err()).isZero();
        assertThat(out()).startsWith("2 changes (publish) in " + day.substring(0, 7) + ":");
    }

    @Test
    void refusedAndFailedOperationsAreEventsTooAndARefusalChangesNothingElse() throws Exception {
        Instant start = Instant.now();
        var before = d.tableSnapshot();
        assertThat(pypub("yank", "nothing-here", "1.0", "--stage", "dev", "--reason", "gone", "--actor", "eve")).isEqualTo(1);
        assertThat(err()).startsWith("error: ").doesNotContain("\tat ");
        assertThat(pypub("keys", "revoke", "aaaaaaaaaa", "--actor", "eve")).isEqualTo(1);
        assertThat(d.tableSnapshot()).isEqualTo(before);
        List<AuditEvent> events = ChangeLog.on(d.clients()).between(start, Instant.now().plusSeconds(1));
        assertThat(events).extracting(AuditEvent::operation, AuditEvent::outcome, AuditEvent::actor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("yank", "refused", "eve"),
                        org.assertj.core.groups.Tuple.tuple("keys.revoke", "refused", "eve"));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
