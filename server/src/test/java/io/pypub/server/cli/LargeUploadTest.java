package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A 200 MB wheel uploads with {@code uv publish} through {@code pypub serve} running as its own
 * process with a 64 MiB heap: the body is streamed to a file, never held in memory; and serve announces it on Slack
 * (its webhook from the environment, as for {@code pypub publish}).
 */
class LargeUploadTest {
    static final int SIZE = 200 * 1000 * 1000;

    @Test
    void a200MbWheelUploadsThroughAServerWithA64MibHeap() throws Exception {
        TestEnvironment env = TestEnvironment.get();
        try (Deployment d = env.newDeployment(); io.pypub.core.notify.slack.FakeSlack slack = io.pypub.core.notify.slack.FakeSlack.start()) {
            Path dir = TestEnvironment.tempDir("large-upload");
            Path wheel = bigWheel(dir, "big-data", "1.0");
            String key = new ApiKeys(new ApiKeyTable(d.clients().dynamo(), d.settings().accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("ci", Set.of("dev"), Set.of(), 0, 1, null, null, null, Set.of(KeyPolicy.PUBLISH)), "test")
                    .token().reveal();
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:MaxDirectMemorySize=32m",
                    "-cp", System.getProperty("java.class.path"), PypubCli.class.getName(), "serve",
                    "--port", Integer.toString(port),
                    "--bucket", d.settings().bucket(), "--version-table", d.settings().versionTable(),
                    "--access-table", d.settings().accessTable(), "--s3-endpoint", d.settings().s3Endpoint().toString(),
                    "--dynamodb-endpoint", d.settings().dynamoEndpoint().toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "embedded", "AWS_SECRET_ACCESS_KEY", "embedded-secret",
                    "AWS_EC2_METADATA_DISABLED", "true", "PYPUB_UPLOAD_MAX_BYTES", "300MB",
                    // serve reads Slack like pypub publish: the upload is announced through this webhook.
                    "PYPUB_SLACK_WEBHOOK_URL", slack.webhookUrl()));
            pb.environment().remove("PYPUB_SLACK_TOKEN");
            Process server = pb.start();
            try {
                CompletableFuture<String> started = CompletableFuture.supplyAsync(() -> ProcessOutput.readUntil(server, "Serving the index at"));
                assertThat(started.get(60, TimeUnit.SECONDS)).contains("Serving the index at");
                String before = rss(server.pid());
                StringBuilder out = new StringBuilder();
                long t0 = System.nanoTime();
                var r = new LocalCommandRunner().run(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "publish",
                        "--no-cache", "--publish-url", "http://127.0.0.1:" + port + "/dev/legacy/", wheel.toString()), dir,
                        Map.of("UV_PUBLISH_USERNAME", "__token__", "UV_PUBLISH_PASSWORD", key), Duration.ofMinutes(5),
                        line -> out.append(line).append('\n'));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.exitCode()).as(out.toString()).isZero();
                var release = d.versions().releases(Stage.of("dev"), "big-data").get(0);
                assertThat(release.files().get(0).size()).isEqualTo(Files.size(wheel));
                assertThat(slack.take().json().path("text").asText()).isEqualTo("Published big-data 1.0 to dev");
                System.out.println("uv publish of a " + Files.size(wheel) / 1_000_000 + " MB wheel through pypub serve -Xmx64m: "
                        + ms + " ms; server RSS before: " + before + ", peak (VmHWM) after: " + rss(server.pid()));
            } finally {
                server.destroy();
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    /** A valid wheel (METADATA, WHEEL, RECORD) with one stored, incompressible data file of {@link #SIZE} bytes. */
    private static Path bigWheel(Path dir, String name, String version) throws Exception {
        String dist = name.replace('-', '_');
        String info = dist + "-" + version + ".dist-info/";
        Path wheel = dir.resolve(dist + "-" + version + "-py3-none-any.whl");
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(0);
            zip.putNextEntry(new ZipEntry(dist + "_mod/data.bin"));
            for (int written = 0; written < SIZE; written += block.length) {
                block[0]++; // no two blocks alike
                zip.write(block, 0, Math.min(block.length, SIZE - written));
            }
            zip.closeEntry();
            for (var e : Map.of(info + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n\n",
                    info + "WHEEL", "Wheel-Version: 1.0\nGenerator: pypub-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
                    info + "RECORD", "").entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return wheel;
    }

    /** The process's resident set now and at its peak, from /proc (Linux). */
    private static String rss(long pid) throws java.io.IOException {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        return String.join(", ", status.lines().filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\s+", " ")).toList());
    }
}
