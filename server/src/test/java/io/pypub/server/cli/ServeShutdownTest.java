package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code pypub serve} as its own process: SIGTERM (what {@code docker stop} sends) stops it
 * promptly and the audit lines still in its buffer reach the file.
 */
class ServeShutdownTest {

    @Test
    void sigtermWritesOutTheBufferedAuditLinesAndExits() throws Exception {
        TestEnvironment env = TestEnvironment.get();
        try (Deployment d = env.newDeployment()) {
            Path audit = TestEnvironment.tempDir("serve-shutdown").resolve("audit.log");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), PypubCli.class.getName(), "serve", "--no-auth",
                    "--port", Integer.toString(port), "--audit-log", audit.toString(),
                    "--bucket", d.settings().bucket(), "--version-table", d.settings().versionTable(),
                    "--access-table", d.settings().accessTable(), "--s3-endpoint", d.settings().s3Endpoint().toString(),
                    "--dynamodb-endpoint", d.settings().dynamoEndpoint().toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(java.util.Map.of("AWS_ACCESS_KEY_ID", "embedded", "AWS_SECRET_ACCESS_KEY", "embedded-secret",
                    "AWS_EC2_METADATA_DISABLED", "true"));
            Process server = pb.start();
            try {
                CompletableFuture<String> started = CompletableFuture.supplyAsync(() -> ProcessOutput.readUntil(server, "Serving the index at"));
                assertThat(started.get(60, TimeUnit.SECONDS)).contains("Serving the index at");

                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/dev/simple/")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();

                server.destroy(); // SIGTERM
                assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("exits within 20 s of SIGTERM").isTrue();
                assertThat(Files.readString(audit, StandardCharsets.UTF_8))
                        .contains("\"request_id\":\"" + requestId + "\"").contains("\"path\":\"/dev/simple/\"");
            } finally {
                server.destroyForcibly();
            }
        }
    }
}
