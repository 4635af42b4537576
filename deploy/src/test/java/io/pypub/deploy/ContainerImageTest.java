package io.pypub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.Stage;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container image that the build makes with Jib (an OCI tar, no Docker daemon), run without
 * Docker: its layers unpacked into a root filesystem and its entrypoint run there by
 * {@link ImageRootfs} (chroot, own mount and PID namespace, the image's user and environment only).
 * Real pip installs a published package through it.
 */
class ContainerImageTest {

    @Test
    void imageIsNonRootWithTheIndexJvmOptionsAndEnvironmentConfiguration() throws Exception {
        ImageRootfs image = ImageRootfs.get();
        System.out.printf("[image] %s: %.1f MiB%n", image.tar.getFileName(), Files.size(image.tar) / 1048576.0);
        assertThat(image.user()).isEqualTo("65532:65532");
        assertThat(image.entrypoint()).containsExactly("java", "@/app/index-jvm.options", "-jar", "/app/pypub.jar", "serve");
        assertThat(Files.readString(image.root.resolve("app/index-jvm.options")))
                .isEqualTo(Files.readString(TestEnvironment.repoRoot().resolve("server/deploy/index-jvm.options")));
        assertThat(image.root.resolve("app/pypub.jar")).hasSameBinaryContentAs(TestEnvironment.repoRoot().resolve("server/target/pypub.jar"));
        assertThat(image.environment()).containsEntry("PYPUB_HOST", "0.0.0.0").containsEntry("PYPUB_PORT", "8080");
        // The index server's environment, as ./pypub serve sets it.
        for (String line : Files.readAllLines(TestEnvironment.repoRoot().resolve("server/deploy/index-env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                assertThat(image.environment()).containsEntry(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(image.config.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(Files.readString(image.root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
    }

    @Test
    void pipInstallsThroughTheImageRunWithoutDocker() throws Exception {
        ImageRootfs image = ImageRootfs.get();
        TestEnvironment env = TestEnvironment.get();
        try (Deployment d = env.newDeployment()) {
            d.pipeline().publish(PublishRequest.builder(env.copyOfExample("hello-package"), Stage.of("dev"))
                    .python(env.python().python().toString()).buildIsolation(false).docs(false).publishedBy("image-test")
                    .build(), new RecordingLog());

            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Map<String, String> config = new HashMap<>(Map.of(
                    "PYPUB_BUCKET", d.settings().bucket(),
                    "PYPUB_VERSION_TABLE", d.settings().versionTable(),
                    "PYPUB_ACCESS_TABLE", d.settings().accessTable(),
                    "PYPUB_S3_ENDPOINT", d.settings().s3Endpoint().toString(),
                    "PYPUB_DYNAMODB_ENDPOINT", d.settings().dynamoEndpoint().toString(),
                    "AWS_REGION", d.settings().region(),
                    "AWS_ACCESS_KEY_ID", "embedded",
                    "AWS_SECRET_ACCESS_KEY", "embedded-secret",
                    "AWS_EC2_METADATA_DISABLED", "true"));
            config.put("PYPUB_PORT", Integer.toString(port));

            // An operator's key, made with the image's own CLI (the same jar, another command).
            List<String> keysCreate = new ArrayList<>(List.of("java", "-jar", "/app/pypub.jar", "keys", "create",
                    "--client", "image-test", "--stages", "dev"));
            Process keys = image.process(keysCreate, config).redirectErrorStream(false).start();
            String keyOut = new String(keys.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String keyErr = new String(keys.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(keys.waitFor(120, TimeUnit.SECONDS)).isTrue();
            Matcher key = Pattern.compile("pypub_\\S+").matcher(keyOut);
            assertThat(keys.exitValue()).as("keys create in the image: %s", keyErr).isZero();
            assertThat(key.find()).as("keys create printed a key").isTrue();

            Process server = image.process(image.entrypoint(), config).start();
            StringBuilder log = new StringBuilder();
            Thread drain = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (log) {
                            log.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            }, "image output");
            drain.setDaemon(true);
            drain.start();
            try {
                String base = "http://127.0.0.1:" + port;
                long started = System.nanoTime();
                awaitStatus(base + "/healthz", 200, Duration.ofSeconds(90), server, log);
                System.out.printf("[image] healthz answered %d ms after the container started%n",
                        (System.nanoTime() - started) / 1_000_000);
                awaitStatus(base + "/readyz", 200, Duration.ofSeconds(30), server, log);

                PythonEnvironment venv = env.freshClientVenv();
                String out = TestEnvironment.run(List.of(venv.python().toString(), "-m", "pip", "install", "--isolated",
                        "--no-cache-dir", "--disable-pip-version-check", "--index-url",
                        "http://__token__:" + key.group() + "@127.0.0.1:" + port + "/dev/simple/", "hello-package"));
                assertThat(out).contains("Successfully installed hello-package-");
                assertThat(TestEnvironment.run(List.of(venv.python().toString(), "-c", "import hello_package; print('imported')")))
                        .contains("imported");

                // SIGTERM to the container's PID 1 (the JVM, pid 1 in its namespace), as `docker stop` sends it.
                server.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                        .forEach(ProcessHandle::destroy);
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the index stops on SIGTERM").isTrue();
                synchronized (log) {
                    assertThat(log.toString()).doesNotContain(key.group()).contains("\"path\":\"/dev/simple/hello-package/\"");
                }
            } finally {
                server.destroyForcibly();
            }
        }
    }

    private static void awaitStatus(String url, int status, Duration within, Process server, StringBuilder log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                synchronized (log) {
                    throw new AssertionError("the image's process exited (" + server.exitValue() + "):\n" + log);
                }
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        synchronized (log) {
            throw new AssertionError(url + " did not answer " + status + " within " + within + " (last " + last + "):\n" + log);
        }
    }

}
