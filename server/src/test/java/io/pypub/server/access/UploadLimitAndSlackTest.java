package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.config.UploadLimits;
import io.pypub.core.notify.slack.FakeSlack;
import io.pypub.core.notify.slack.SlackClient;
import io.pypub.core.notify.slack.SlackDestination;
import io.pypub.core.notify.slack.SlackNotifier;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The upload API's per-stage size limit (413 from Content-Length, and mid-stream for a chunked body; nothing recorded,
 * no temporary file, no object) and its Slack notices (the first file announces the release, each further file
 * replies in its thread), driven by real twine against an index whose dev stage takes at most 1 MB.
 */
class UploadLimitAndSlackTest {
    private static AccessFixture index;
    private static FakeSlack slack;
    private static IndexServer server;
    private static String key;

    @BeforeAll
    static void setUp() throws Exception {
        index = new AccessFixture();
        slack = FakeSlack.start();
        var clients = index.deployment.clients();
        SlackNotifier notifier = new SlackNotifier(SlackDestination.bot(FakeSlack.TOKEN, FakeSlack.CHANNEL, slack.apiBase()),
                new SlackClient(), index.deployment.versions().releaseThreads());
        IndexSettings settings = IndexSettings.defaults().withUploadLimits(UploadLimits.parse("100MB,dev=1MB"));
        server = new IndexServer(new IndexService(clients, settings, RequestGuard.forDeployment(clients, index.settings),
                UpstreamSettings.none(), notifier), "127.0.0.1", 0).start();
        key = index.createKey("--client", "laptop", "--stages", "dev,test", "--scopes", "publish");
    }

    @AfterAll
    static void stop() {
        server.close();
        slack.close();
        assertThat(index.logs.all()).doesNotContain(key, FakeSlack.TOKEN);
        index.close();
    }

    private static AccessFixture.Run twine(String stage, Path... files) {
        List<String> cmd = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload",
                "--non-interactive", "--disable-progress-bar", "--repository-url", server.localUrl() + "/" + stage + "/legacy/"));
        for (Path f : files) {
            cmd.add(f.toString());
        }
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(cmd, Path.of("").toAbsolutePath(),
                Map.of("TWINE_USERNAME", "__token__", "TWINE_PASSWORD", key), Duration.ofMinutes(3), line -> out.append(line).append('\n'));
        assertThat(out.toString()).doesNotContain(key);
        return new AccessFixture.Run(r.exitCode(), out.toString());
    }

    private static Release release(String stage, String project, String version) {
        return index.deployment.versions().releases(Stage.of(stage), project).stream()
                .filter(r -> r.version().toString().equals(version)).findFirst().orElse(null);
    }

    /** The upload API's temporary folders in this JVM's temporary directory. */
    private static List<Path> uploadTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("pypub-upload-")).toList();
        }
    }

    private static long blobCount() {
        return index.deployment.clients().s3().listObjectsV2Paginator(b -> b.bucket(index.deployment.settings().bucket()))
                .contents().stream().filter(o -> o.key().contains("blobs/")).count();
    }

    @Test
    void twineOfAWheelOverTheStagesLimitGets413AndTheSameWheelFitsAnotherStage() throws Exception {
        Path wheel = TinyWheels.ofSize(TestEnvironment.tempDir("oversize"), "big-one", "1.0", 1_500_000);
        assertThat(Files.size(wheel)).isGreaterThan(1_000_000);
        long blobs = blobCount();
        List<Path> temps = uploadTempDirs();

        var refused = twine("dev", wheel);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("413");
        assertThat(release("dev", "big-one", "1.0")).isNull();
        assertThat(blobCount()).isEqualTo(blobs);
        assertThat(uploadTempDirs()).isEqualTo(temps);
        assertThat(slack.requestCount()).isZero();

        // Stage test has the default limit (100 MB).
        var accepted = twine("test", wheel);
        assertThat(accepted.exitCode()).as(accepted.output()).isZero();
        assertThat(release("test", "big-one", "1.0").files()).hasSize(1);
        slack.take(); // its announcement
    }

    @Test
    void aChunkedBodyIsRefusedWhenItPassesTheLimitAndLeavesNothing() throws Exception {
        long blobs = blobCount();
        List<Path> temps = uploadTempDirs();
        String boundary = "chunkedboundary";
        StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nchunky\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n1.0\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"chunky-1.0-py3-none-any.whl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
        URI u = server.localUrl();
        String answer;
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /dev/legacy/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nContent-Type: multipart/form-data; "
                    + "boundary=" + boundary + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            chunk(out, head.toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = new byte[64 * 1024];
            try {
                // 2 MB of file part, never finished: the server must answer at the limit, not wait for the end.
                for (int i = 0; i < 32; i++) {
                    chunk(out, block);
                }
                out.flush();
            } catch (IOException e) {
                // The server answered and closed while we were still sending: what a refusal mid-stream looks like.
            }
            InputStream in = s.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).contains("stage 'dev'", "1 MB");
        assertThat(release("dev", "chunky", "1.0")).isNull();
        assertThat(blobCount()).isEqualTo(blobs);
        assertThat(uploadTempDirs()).isEqualTo(temps);
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theFirstFileAnnouncesTheReleaseAndEachFurtherFileRepliesInItsThread() throws Exception {
        Path dir = TestEnvironment.tempDir("slack-upload");
        Path first = TinyWheels.write(dir, "threaded", "1.0");
        Path second = Files.move(TinyWheels.write(TestEnvironment.tempDir("slack-upload-2"), "threaded", "1.0",
                "Summary: for 3.9\n", ""), dir.resolve("threaded-1.0-py39-none-any.whl"));
        while (slack.requestCount() > 0) {
            slack.take();
        }
        assertThat(twine("dev", first).exitCode()).isZero();
        JsonNode announced = slack.take().json();
        assertThat(announced.path("text").asText()).isEqualTo("Published threaded 1.0 to dev");
        assertThat(announced.has("thread_ts")).isFalse();
        assertThat(announced.toString()).contains("uploaded by key " + AccessFixture.keyId(key), "(client laptop)");

        var two = twine("dev", second);
        assertThat(two.exitCode()).as(two.output()).isZero();
        JsonNode reply = slack.take().json();
        assertThat(reply.path("text").asText()).isEqualTo("Added threaded-1.0-py39-none-any.whl to threaded 1.0 in dev");
        assertThat(reply.path("thread_ts").asText()).isNotEmpty();
        Release r = release("dev", "threaded", "1.0");
        assertThat(r.files()).hasSize(2);
        // The release keeps the thread of its announcement, and who uploaded it.
        assertThat(index.deployment.versions().releaseThreads().find(Stage.of("dev"), "threaded", "1.0").orElseThrow().ts())
                .isEqualTo(reply.path("thread_ts").asText());
        assertThat(r.provenance().uploadedBy()).isEqualTo("key " + AccessFixture.keyId(key) + " (client laptop) from address 127.0.0.1");

        // The same bytes again: nothing changes, nothing is posted.
        assertThat(twine("dev", second).exitCode()).isZero();
        assertThat(slack.requestCount()).isZero();

        // The change log: one publish event per file, the second naming its file.
        var events = ChangeLog.on(index.deployment.clients()).between(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(1))
                .stream().filter(e -> "threaded".equals(e.project())).toList();
        assertThat(events).hasSize(2).allSatisfy(e -> {
            assertThat(e.operation()).isEqualTo("publish");
            assertThat(e.outcome()).isEqualTo(AuditEvent.OK);
            assertThat(e.actor()).contains("from address 127.0.0.1");
        });
        assertThat(events).anySatisfy(e -> assertThat(e.message()).contains("Added threaded-1.0-py39-none-any.whl"));
        // Each request's audit line names the project, version and file that the body carried.
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("method").asText()).isEqualTo("POST");
            assertThat(a.path("project").asText()).isEqualTo("threaded");
            assertThat(a.path("version").asText()).isEqualTo("1.0");
            assertThat(a.path("file").asText()).isEqualTo("threaded-1.0-py39-none-any.whl");
            assertThat(a.path("status").asInt()).isEqualTo(200);
        });
    }
}
