package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 11 item 7: `pypub demo` checks its port first, prints an install line that works, and stops its servers on SIGTERM. */
class DemoTest {

    @Test
    void aBusyPortIsRefusedBeforeAnythingIsBuilt() throws Exception {
        Path dir = TestEnvironment.tempDir("demo-port");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        int code;
        long started = System.nanoTime();
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            code = PypubCli.run("demo", "--dir", dir.toString(), "--port", Integer.toString(busy.getLocalPort()));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: Port ").contains("is not free").doesNotContain("\tat ");
        assertThat(dir.resolve("tools")).doesNotExist();
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void theInstallLineWorksAndSigtermStopsTheEmbeddedServers() throws Exception {
        TestEnvironment.get(); // the shared Python environment with the pinned tools
        Path dir = TestEnvironment.tempDir("demo-run");
        reuseTestTools(dir.resolve("tools"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PypubCli.class.getName(), "demo", "--keep-serving",
                "--dir", dir.toString(), "--port", Integer.toString(port),
                "--project", TestEnvironment.repoRoot().resolve("examples/hello-package").toString()));
        Path config = dir.resolve("home/pypub/config.toml");
        ProcessBuilder demoProcess = new ProcessBuilder(command).redirectErrorStream(true);
        demoProcess.environment().put("PYPUB_CONFIG", config.toString());
        Process demo = demoProcess.start();
        try {
            String output = CompletableFuture.supplyAsync(() -> ProcessOutput.readUntil(demo, "press Ctrl-C to stop")).get(5, TimeUnit.MINUTES);
            assertThat(output).contains("press Ctrl-C to stop");
            Matcher servers = Pattern.compile("S3 \\(\\w+\\) at http://127\\.0\\.0\\.1:(\\d+), DynamoDB \\(moto\\) at "
                    + "http://127\\.0\\.0\\.1:(\\d+)").matcher(output);
            assertThat(servers.find()).as(output).isTrue();
            int s3 = Integer.parseInt(servers.group(1));
            int dynamo = Integer.parseInt(servers.group(2));

            // The summary's install line carries the demo's own key, so it works when pasted.
            Matcher install = Pattern.compile("install: pip install --index-url (http://__token__:(pypub_\\S+)@127\\.0\\.0\\.1:"
                    + port + "/dev/simple/) hello-package==0\\.1\\.0").matcher(output);
            assertThat(install.find()).as(output).isTrue();
            URI simple = URI.create(install.group(1));
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + simple.getRawPath() + "hello-package/"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(simple.getRawUserInfo()
                            .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("hello_package-0.1.0.tar.gz");
            assertThat(listening(s3)).isTrue();
            assertThat(listening(dynamo)).isTrue();

            // Issue 12: the demo wrote profile 'demo', and the README's commands run against it by naming it.
            assertThat(output).contains("Profile 'demo'").contains(config.toString());
            ReadmeCommands.runAgainstProfile(config, "demo", port);

            demo.destroy(); // SIGTERM
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo exits on SIGTERM").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((listening(s3) || listening(dynamo) || listening(port)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(listening(s3)).as("embedded S3 stopped").isFalse();
            assertThat(listening(dynamo)).as("embedded DynamoDB stopped").isFalse();
            assertThat(listening(port)).as("index stopped").isFalse();
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    /**
     * The demo's tools folder as links to the test run's environment (it has the pinned tools and
     * more), stamped as the demo expects, so the test does not install them again from PyPI.
     */
    private static void reuseTestTools(Path tools) throws IOException {
        Path shared = TestEnvironment.pythonEnvironment().dir();
        Files.createDirectories(tools);
        try (var entries = Files.list(shared)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.equals("bin") || name.equals("lib") || name.equals("lib64") || name.equals("include") || name.equals("pyvenv.cfg")) {
                    Files.createSymbolicLink(tools.resolve(name), p);
                }
            }
        }
        String stamp = FileDigest.sha256Hex((PythonEnvironment.baseInterpreter() + "\n" + PythonEnvironment.toolsRequirements())
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(tools.resolve(".pypub-requirements.sha256"), stamp);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
