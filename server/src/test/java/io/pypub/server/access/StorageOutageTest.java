package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When S3 or DynamoDB does not answer, every route says so honestly: 503 with a short Retry-After
 * (pip and uv retry it), one log line without a stack trace, and an audit line that still names the
 * key, client and project. {@code /healthz} stays up (the process is alive) while {@code /readyz}
 * takes the instance out of rotation. A record whose object is gone is a 404 and an integrity error.
 */
class StorageOutageTest {
    static final String WHEEL = "/dev/files/hello-package/0.1.0/hello_package-0.1.0-py3-none-any.whl";
    static final String ALICE = "alice's docs password";
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void publish() {
        index = new AccessFixture();
        index.publish("hello-package", "dev");
        key = index.createKey("--client", "outage", "--stages", "dev", "--daily", "100");
        assertThat(index.cli(ALICE + "\n", "users", "add", "alice", "--stages", "dev", "--password-stdin").exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    /** A port nothing listens on: connections are refused at once. */
    static URI deadEndpoint() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    /** An index over the same deployment, with S3 or DynamoDB replaced by a dead endpoint. */
    static IndexServer serverWith(boolean s3Down, boolean dynamoDown) throws Exception {
        AwsSettings s = index.deployment.settings();
        AwsSettings broken = new AwsSettings(s.region(), s.bucket(), s.prefix(), s.docsBucket(), s.versionTable(), s.accessTable(),
                s3Down ? deadEndpoint() : s.s3Endpoint(), dynamoDown ? deadEndpoint() : s.dynamoEndpoint());
        AwsClients clients = index.env.aws().clients(broken);
        IndexServer server = new IndexServer(new IndexService(clients, IndexSettings.defaults(),
                RequestGuard.forDeployment(clients, index.settings)), "127.0.0.1", 0).start();
        index.servers.add(server);
        return server;
    }

    @Test
    void s3DownIs503WithRetryAfterOnEveryRouteThatReadsIt() throws Exception {
        IndexServer server = serverWith(true, false);
        int linesBefore = index.logs.lines.size();
        for (String path : List.of(WHEEL, WHEEL + ".metadata", "/dev/hello-package/latest", "/dev/hello-package/0.1.0")) {
            HttpResponse<byte[]> r = index.get(server, path, "Authorization", "Bearer " + key);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as(path).hasValue("5");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(path).startsWith("Service unavailable");
        }
        HttpResponse<byte[]> docs = index.get(server, "/dev/docs/hello-package/latest/", "Authorization", AccessFixture.basic("alice", ALICE));
        assertThat(docs.statusCode()).isEqualTo(503);
        // Pages come from DynamoDB and still work.
        assertThat(index.get(server, "/dev/simple/hello-package/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);

        String log = String.join("\n", index.logs.lines.subList(linesBefore, index.logs.lines.size()));
        assertThat(log).contains("Storage error").doesNotContain("\tat ").doesNotContain(key);
        JsonNode line = index.logs.audit().stream().filter(a -> a.path("path").asText().equals(WHEEL) && a.path("status").asInt() == 503)
                .filter(a -> a.path("client").asText().equals("outage")).findFirst().orElseThrow();
        assertThat(line.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
        assertThat(line.path("client").asText()).isEqualTo("outage");
        assertThat(line.path("project").asText()).isEqualTo("hello-package");
        assertThat(line.path("download").asBoolean()).isFalse();

        assertThat(index.get(server, "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> ready = index.get(server, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(new String(ready.body(), StandardCharsets.UTF_8)).contains("S3 unreachable");
        assertThat(index.get("/readyz").statusCode()).isEqualTo(200); // the healthy instance
    }

    @Test
    void dynamoDbDownIs503ForPagesAndKeysAndNotReady() throws Exception {
        IndexServer server = serverWith(false, true);
        for (String path : List.of("/dev/simple/", "/dev/simple/hello-package/", WHEEL, "/dev/hello-package/latest")) {
            HttpResponse<byte[]> r = index.get(server, path, "Authorization", "Bearer " + key);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as(path).hasValue("5");
        }
        // The key could not be checked, but the audit line still says which one was shown.
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("path").asText()).isEqualTo("/dev/simple/");
            assertThat(a.path("status").asInt()).isEqualTo(503);
            assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
            assertThat(a.path("reason").asText()).isEqualTo("storage unavailable");
        });
        assertThat(index.get(server, "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> ready = index.get(server, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(new String(ready.body(), StandardCharsets.UTF_8)).contains("DynamoDB unreachable");
    }

    @Test
    void aRecordWhoseObjectIsGoneIs404AndAnIntegrityErrorNever500() throws Exception {
        java.nio.file.Path dir = io.pypub.core.testing.TestEnvironment.tempDir("gone");
        TinyWheels.write(dir, "gone", "1.0");
        assertThat(index.cli(null, "import", "--stage", "dev", dir.toString()).exitCode()).isZero();
        var release = index.deployment.versions().releases(io.pypub.core.release.Stage.of("dev"), "gone").get(0);
        var file = release.files().get(0);
        index.deployment.clients().s3().deleteObject(b -> b.bucket(index.deployment.settings().bucket()).key(file.objectKey()));
        for (String path : List.of("/dev/files/gone/1.0/" + file.filename(), "/dev/gone/latest")) {
            HttpResponse<byte[]> r = index.get(path, "Authorization", "Bearer " + key);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(index.logs.all()).contains("Integrity error").contains(file.objectKey() + " is missing");
    }
}
