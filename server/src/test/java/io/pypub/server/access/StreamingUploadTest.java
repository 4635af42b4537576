package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.config.UploadLimits;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.StreamingBlobUpload;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "the body goes to S3 as it arrives": a file of several parts uploaded by twine or uv is sent to its
 * content-addressed key by multipart upload while it arrives, and pip installs it; a digest mismatch and a client
 * killed mid-body leave no object and no open multipart upload.
 */
class StreamingUploadTest {
    /** Three parts: two full ones and the rest. */
    private static final int SIZE = (int) (2.5 * StreamingBlobUpload.PART_SIZE);

    private static AccessFixture index;
    private static String publishKey;
    private static String readKey;

    @BeforeAll
    static void setUp() {
        index = new AccessFixture();
        publishKey = index.createKey("--client", "github-ci", "--stages", "dev", "--scopes", "publish,download");
        readKey = index.createKey("--client", "reader", "--stages", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void twineAndUvUploadsOfSeveralPartsStreamToS3AndPipInstallsThem() throws Exception {
        Path dir = TestEnvironment.tempDir("streamed");
        Path wheel = TinyWheels.ofSize(dir, "streamed-big", "1.0", SIZE);
        assertThat(Files.size(wheel)).isGreaterThan(2 * StreamingBlobUpload.PART_SIZE);
        var twine = run(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url", index.url("/dev/legacy/"), wheel.toString()),
                Map.of("TWINE_USERNAME", "__token__", "TWINE_PASSWORD", publishKey));
        assertThat(twine.exitCode()).as(twine.output()).isZero();
        Release r = release("streamed-big", "1.0");
        assertThat(r.files()).singleElement().satisfies(f -> {
            assertThat(f.size()).isEqualTo(Files.size(wheel));
            assertThat(f.sha256()).isEqualTo(FileDigest.sha256Hex(Files.readAllBytes(wheel)));
            assertThat(index.deployment.store().head(f.objectKey())).get().satisfies(o -> assertThat(o.size()).isEqualTo(f.size()));
        });
        // It went to S3 while it arrived, in parts (not one PutObject after receipt).
        assertThat(index.logs.all()).contains("in 3 parts as they arrived");
        assertThat(openMultipartUploads()).isEmpty();

        PythonEnvironment venv = index.env.freshClientVenv();
        var installed = index.pip(venv, "install", "--index-url", AccessFixture.withKey(index.server(), readKey, "/dev/simple/"),
                "streamed-big==1.0");
        assertThat(installed.exitCode()).as(installed.output()).isZero();
        assertThat(installed.output()).contains("Successfully installed streamed-big-1.0");

        // uv sends its fields before the file too: the same streaming path.
        Path uvDir = TestEnvironment.tempDir("streamed-uv");
        Path uvWheel = TinyWheels.ofSize(uvDir, "streamed-uv", "2.0", SIZE + 1);
        var uv = run(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "publish", "--no-cache", uvWheel.toString()),
                Map.of("UV_PUBLISH_URL", index.url("/dev/legacy/"), "UV_PUBLISH_USERNAME", "__token__", "UV_PUBLISH_PASSWORD",
                        publishKey));
        assertThat(uv.exitCode()).as(uv.output()).isZero();
        assertThat(release("streamed-uv", "2.0").files()).singleElement()
                .satisfies(f -> assertThat(f.size()).isEqualTo(Files.size(uvWheel)));
        assertThat(index.logs.all().split("in 3 parts as they arrived", -1)).hasSize(3);

        // The same bytes again (a re-run CI job): success, the object is reused, nothing left open.
        var again = run(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url", index.url("/dev/legacy/"), wheel.toString()),
                Map.of("TWINE_USERNAME", "__token__", "TWINE_PASSWORD", publishKey));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(openMultipartUploads()).isEmpty();

        // The same bytes to another stage: nothing is sent again, the stored object is reused by both releases.
        String bothStages = index.createKey("--client", "second-ci", "--stages", "dev,test", "--scopes", "publish");
        var toTest = run(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url", index.url("/test/legacy/"), wheel.toString()),
                Map.of("TWINE_USERNAME", "__token__", "TWINE_PASSWORD", bothStages));
        assertThat(toTest.exitCode()).as(toTest.output()).isZero();
        assertThat(index.logs.all()).contains(r.files().get(0).objectKey() + " already holds these bytes: reused, nothing sent");
        Release inTest = index.deployment.versions().releases(Stage.of("test"), "streamed-big").get(0);
        assertThat(inTest.files().get(0).objectKey()).isEqualTo(r.files().get(0).objectKey());
        assertThat(index.deployment.store().head(inTest.files().get(0).objectKey())).isPresent();
        assertThat(openMultipartUploads()).isEmpty();
    }

    @Test
    void aDigestMismatchOfSeveralPartsLeavesNoObjectAndNoOpenUpload() throws Exception {
        Path dir = TestEnvironment.tempDir("streamed-mismatch");
        Path wheel = TinyWheels.ofSize(dir, "streamed-mismatch", "1.0", SIZE);
        byte[] bytes = Files.readAllBytes(wheel);
        String claimed = FileDigest.sha256Hex("other bytes".getBytes(StandardCharsets.UTF_8));
        String boundary = "streamb0undary";
        byte[] body = TwineForm.body(boundary, TwineForm.fields("streamed-mismatch", "1.0", claimed), wheel.getFileName().toString(), bytes);
        String answer = raw(head(boundary, body.length), body, true);
        assertThat(answer).startsWith("HTTP/1.1 400").contains("Digest mismatch");
        assertThat(index.logs.all()).contains("Aborted the multipart upload to");
        assertThat(release("streamed-mismatch", "1.0")).isNull();
        assertThat(index.deployment.store().head(index.deployment.settings().layout().blobKey(claimed))).isEmpty();
        assertThat(index.deployment.store().head(index.deployment.settings().layout().blobKey(FileDigest.sha256Hex(bytes)))).isEmpty();
        assertThat(openMultipartUploads()).isEmpty();
    }

    @Test
    void aClientKilledMidBodyLeavesNoObjectAndNoOpenUpload() throws Exception {
        Path dir = TestEnvironment.tempDir("streamed-killed");
        Path wheel = TinyWheels.ofSize(dir, "streamed-killed", "1.0", SIZE);
        byte[] bytes = Files.readAllBytes(wheel);
        String sha = FileDigest.sha256Hex(bytes);
        String boundary = "killb0undary";
        byte[] body = TwineForm.body(boundary, TwineForm.fields("streamed-killed", "1.0", sha), wheel.getFileName().toString(), bytes);
        URI u = index.server().localUrl();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(head(boundary, body.length).getBytes(StandardCharsets.ISO_8859_1));
            // Two parts' worth of the body, then the client dies (a reset, not a clean close).
            out.write(body, 0, (int) (2 * StreamingBlobUpload.PART_SIZE + 4096));
            out.flush();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (openMultipartUploads().isEmpty() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(openMultipartUploads()).as("the body is on its way to S3 while it arrives").hasSize(1);
            s.setSoLinger(true, 0);
        }
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!openMultipartUploads().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(openMultipartUploads()).as("aborted when the client went away").isEmpty();
        assertThat(release("streamed-killed", "1.0")).isNull();
        assertThat(index.deployment.store().head(index.deployment.settings().layout().blobKey(sha))).isEmpty();
    }

    @Test
    void aChunkedBodyPassingTheStagesLimitMidStreamIs413AndLeavesNoObjectAndNoOpenUpload() throws Exception {
        var clients = index.deployment.clients();
        // 20 MB for dev: two parts are sent before the body passes the limit.
        IndexSettings settings = IndexSettings.defaults().withUploadLimits(UploadLimits.parse("100MB,dev=20MB"));
        try (IndexServer limited = new IndexServer(new IndexService(clients, settings,
                RequestGuard.forDeployment(clients, index.settings), UpstreamSettings.none()), "127.0.0.1", 0).start()) {
            Path wheel = TinyWheels.ofSize(TestEnvironment.tempDir("streamed-oversize"), "streamed-oversize", "1.0", SIZE);
            byte[] bytes = Files.readAllBytes(wheel);
            String sha = FileDigest.sha256Hex(bytes);
            String boundary = "chunkb0undary";
            byte[] body = TwineForm.body(boundary, TwineForm.fields("streamed-oversize", "1.0", sha), wheel.getFileName().toString(), bytes);
            String answer;
            URI u = limited.localUrl();
            try (Socket s = new Socket(u.getHost(), u.getPort())) {
                s.setSoTimeout(60_000);
                OutputStream out = s.getOutputStream();
                // No Content-Length: the limit can only be found while the body is read.
                out.write(("POST /dev/legacy/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + publishKey
                        + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
                        + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                try {
                    for (int off = 0; off < body.length; off += 65536) {
                        int n = Math.min(65536, body.length - off);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(body, off, n);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException refusedMidBody) {
                    // the server answered and closed while the body was still being sent
                }
                answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertThat(answer).startsWith("HTTP/1.1 413");
            String blobKey = index.deployment.settings().layout().blobKey(sha);
            assertThat(index.logs.all()).contains("Aborted the multipart upload to s3://" + index.deployment.settings().bucket() + "/"
                    + blobKey);
            assertThat(openMultipartUploads()).isEmpty();
            assertThat(index.deployment.store().head(blobKey)).isEmpty();
            assertThat(release("streamed-oversize", "1.0")).isNull();
        }
    }

    private static List<String> openMultipartUploads() {
        return index.deployment.clients().s3().listMultipartUploads(b -> b.bucket(index.deployment.settings().bucket()))
                .uploads().stream().map(u -> u.key()).toList();
    }

    private static Release release(String project, String version) {
        return index.deployment.versions().releases(Stage.of("dev"), project).stream()
                .filter(r -> r.version().toString().equals(version)).findFirst().orElse(null);
    }

    private static AccessFixture.Run run(List<String> command, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(command, Path.of("").toAbsolutePath(), env, Duration.ofMinutes(3),
                line -> out.append(line).append('\n'));
        return new AccessFixture.Run(r.exitCode(), out.toString());
    }




    private static String head(String boundary, int length) {
        return "POST /dev/legacy/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + publishKey
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + length
                + "\r\nConnection: close\r\n\r\n";
    }

    /** Sends a request on a plain socket and returns what the server answered. */
    private static String raw(String head, byte[] body, boolean halfClose) throws IOException {
        URI u = index.server().localUrl();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
