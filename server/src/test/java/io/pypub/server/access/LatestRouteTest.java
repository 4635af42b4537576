package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /{stage}/{project}/latest} serves what {@code pip install PROJECT} installs: final releases
 * before pre-releases (a pre-release only when there is nothing else). It serves the sdist (a wheel
 * only for wheel-only releases): pip judges a direct URL by its own name, and unpacks a wheel
 * from {@code .../latest} as a source tree.
 */
class LatestRouteTest {
    private static AccessFixture index;
    private static String key;
    private static Path dir;

    @BeforeAll
    static void publish() throws Exception {
        index = new AccessFixture();
        dir = TestEnvironment.tempDir("latest-rule");
        TinyWheels.write(dir, "steady", "0.4.0");
        TinyWheels.write(dir, "steady", "0.5.0rc1");
        TinyWheels.write(dir, "early", "1.0b1");
        TinyWheels.write(dir, "early", "1.0b2");
        var imported = index.cli(null, "import", "--stage", "dev", dir.toString());
        assertThat(imported.exitCode()).as(imported.stderr()).isZero();
        index.publish("hello-package", "dev"); // sdist and pure wheel
        key = index.createKey("--client", "latest", "--stages", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return index.get(path, "Authorization", "Bearer " + key);
    }

    @Test
    void latestSkipsAPreReleaseWhileAFinalReleaseExists() throws Exception {
        HttpResponse<byte[]> latest = get("/dev/steady/latest");
        assertThat(latest.statusCode()).isEqualTo(200);
        assertThat(latest.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"steady-0.4.0-py3-none-any.whl\"");
        assertThat(latest.body()).isEqualTo(Files.readAllBytes(dir.resolve("steady-0.4.0-py3-none-any.whl")));
        // The pre-release stays reachable by its version.
        assertThat(get("/dev/steady/0.5.0rc1").headers().firstValue("Content-Disposition").orElse("")).contains("0.5.0rc1");
        // The page for people names the same latest.
        String page = new String(get("/dev/").body(), StandardCharsets.UTF_8);
        assertThat(page).contains("<a class=\"project\" href=\"-/project/steady/\">steady</a> <span class=\"badge\">0.4.0</span>");
        assertThat(new String(get("/dev/-/project/steady/").body(), StandardCharsets.UTF_8))
                .contains("<h1>steady <span class=\"badge\">0.4.0</span></h1>");
    }

    @Test
    void aProjectWithOnlyPreReleasesHasTheHighestOneAsLatest() throws Exception {
        assertThat(get("/dev/early/latest").headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"early-1.0b2-py3-none-any.whl\"");
    }

    @Test
    void latestServesTheSdistWhichPipCanInstallFromAnExtensionlessUrl() throws Exception {
        HttpResponse<byte[]> latest = get("/dev/hello-package/latest");
        assertThat(latest.statusCode()).isEqualTo(200);
        assertThat(latest.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"hello_package-0.1.0.tar.gz\"");
    }

    @Test
    void pipInstallsTheSameVersionByNameAndByTheLatestUrl() {
        PythonEnvironment venv = index.env.freshClientVenv();
        AccessFixture.Run byName = index.pip(venv, "install", "--index-url",
                AccessFixture.withKey(index.server(), key, "/dev/simple/"), "steady");
        assertThat(byName.exitCode()).as(byName.output()).isZero();
        assertThat(byName.output()).contains("Successfully installed steady-0.4.0");

        PythonEnvironment other = index.env.freshClientVenv();
        AccessFixture.Run byUrl = index.pip(other, "install", index.url("/dev/hello-package/latest?key=" + key));
        assertThat(byUrl.exitCode()).as(byUrl.output()).isZero();
        assertThat(byUrl.output()).contains("Successfully installed hello-package-0.1.0");
    }

    @Test
    void theStagePageNeverTakesItsInstallUrlFromTheHostHeader() throws Exception {
        String response;
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", index.server().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /dev/ HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Proto: https\r\nAuthorization: Bearer "
                    + key + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(response).startsWith("HTTP/1.1 200").doesNotContain("evil.example")
                .contains("pip install --index-url https://INDEX-HOST/dev/simple/");
    }

    @Test
    void aConfiguredPublicUrlGivesPasteableInstallCommands() throws Exception {
        var clients = index.deployment.clients();
        var settings = new io.pypub.server.index.IndexSettings(io.pypub.server.index.IndexSettings.DownloadMode.STREAM,
                java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(1), "https://pypi.example.com/");
        var server = new io.pypub.server.http.IndexServer(new io.pypub.server.index.IndexService(clients, settings,
                RequestGuard.forDeployment(clients, index.settings)), "127.0.0.1", 0).start();
        index.servers.add(server);
        String page = new String(index.get(server, "/dev/-/project/steady/", "Authorization", "Bearer " + key).body(),
                StandardCharsets.UTF_8);
        assertThat(page).contains("pip install --index-url https://pypi.example.com/dev/simple/ steady");
    }
}
