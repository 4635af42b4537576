package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Projects named like the index's route words are ordinary projects: every URL of theirs needs the
 * credential its kind of route needs (a key for packages, counted per file; a docs login never
 * reaches a package file), and pip and uv install them.
 */
class RouteWordsTest {
    static final List<String> WORDS = List.of("docs", "files", "simple", "latest", "metadata", "healthz", "readyz", "metrics",
            "upstream");
    static final String VERSION = "0.1.0";
    static final String ALICE = "docs reader password";
    private static AccessFixture index;
    private static String key;
    private static final Map<String, byte[]> wheels = new HashMap<>();

    @BeforeAll
    static void publishTheRouteWords() throws Exception {
        index = new AccessFixture();
        Path dir = TestEnvironment.tempDir("route-words");
        for (String word : WORDS) {
            wheels.put(word, Files.readAllBytes(TinyWheels.write(dir, word, VERSION)));
        }
        var imported = index.cli(null, "import", "--stage", "dev", dir.toString());
        assertThat(imported.exitCode()).as(imported.stderr()).isZero();
        key = index.createKey("--client", "routes", "--stages", "dev", "--daily", "1000");
        assertThat(index.cli(ALICE + "\n", "users", "add", "alice", "--stages", "dev", "--password-stdin").exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    static String wheel(String word) {
        return word + "-" + VERSION + "-py3-none-any.whl";
    }

    @Test
    void aDocsLoginNeverGetsAPackageFileOfAProjectNamedLikeARoute() throws Exception {
        String alice = AccessFixture.basic("alice", ALICE);
        for (String word : WORDS) {
            for (String path : List.of("/dev/" + word + "/latest", "/dev/" + word + "/" + VERSION,
                    "/dev/files/" + word + "/" + VERSION + "/" + wheel(word), "/dev/simple/" + word + "/")) {
                HttpResponse<byte[]> r = index.get(path, "Authorization", alice);
                // A docs password is a wrong key here: 401 with the packages' challenge, until the failed-login throttle answers 429.
                assertThat(r.statusCode()).as(path).isIn(401, 429);
                assertThat(r.body()).as(path).isNotEqualTo(wheels.get(word));
                if (r.statusCode() == 401) {
                    assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Basic realm=\"pypub\", charset=\"UTF-8\"");
                }
            }
        }
    }

    @Test
    void everyUrlOfARouteWordProjectNeedsAKeyAndEachFileServedIsCounted() throws Exception {
        String bearer = "Bearer " + key;
        long before = downloadsToday();
        java.time.Instant start = java.time.Instant.now();
        for (String word : WORDS) {
            List<String> paths = List.of("/dev/simple/" + word + "/", "/dev/" + word + "/latest",
                    "/dev/files/" + word + "/" + VERSION + "/" + wheel(word),
                    "/dev/files/" + word + "/" + VERSION + "/" + wheel(word) + ".metadata");
            for (String path : paths) {
                assertThat(index.get(path).statusCode()).as("no key: " + path).isEqualTo(401);
            }
            HttpResponse<byte[]> page = index.get(paths.get(0), "Authorization", bearer);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains(wheel(word));

            HttpResponse<byte[]> direct = index.get(paths.get(1), "Authorization", bearer);
            assertThat(direct.statusCode()).as(paths.get(1)).isEqualTo(200);
            assertThat(direct.body()).isEqualTo(wheels.get(word));
            assertThat(direct.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"" + wheel(word) + "\"");

            HttpResponse<byte[]> file = index.get(paths.get(2), "Authorization", bearer);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo(wheels.get(word));

            HttpResponse<byte[]> metadata = index.get(paths.get(3), "Authorization", bearer);
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(new String(metadata.body(), StandardCharsets.UTF_8)).contains("Name: " + word);
        }
        // Two files per project (direct + file); pages and metadata are not downloads.
        assertThat(downloadsToday() - before).isEqualTo(2L * WORDS.size());
        for (String word : WORDS) {
            List<JsonNode> lines = index.logs.audit().stream()
                    .filter(a -> word.equals(a.path("project").asText()) && a.path("status").asInt() == 200)
                    .filter(a -> !java.time.Instant.parse(a.path("time").asText()).isBefore(start)).toList();
            assertThat(lines.stream().filter(a -> a.path("download").asBoolean())).as(word).hasSize(2);
            assertThat(lines).allSatisfy(a -> assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key)));
        }
        String metrics = new String(index.get("/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("route=\"direct_download\"", "route=\"file\"", "route=\"metadata\"", "route=\"simple_project\"");
    }

    @Test
    void openRoutesStayOpenAndTheirNamesakesAreProjects() throws Exception {
        assertThat(index.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(index.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(index.get("/metrics").statusCode()).isEqualTo(200);
        assertThat(index.get("/dev/healthz/latest").statusCode()).isEqualTo(401);
        assertThat(index.get("/dev/metrics/latest", "Authorization", "Bearer " + key).body()).isEqualTo(wheels.get("metrics"));
    }

    @Test
    void pipAndUvInstallEveryRouteWordProject() throws Exception {
        String simple = AccessFixture.withKey(index.server(), key, "/dev/simple/");
        PythonEnvironment venv = index.env.freshClientVenv();
        List<String> pipArgs = new ArrayList<>(List.of("install", "--index-url", simple));
        pipArgs.addAll(WORDS);
        AccessFixture.Run pip = index.pip(venv, pipArgs.toArray(String[]::new));
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        for (String word : WORDS) {
            assertThat(pip.output()).contains(word + "-" + VERSION);
        }

        Path target = TestEnvironment.tempDir("uv-target");
        List<String> uv = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "pip", "install",
                "--no-cache", "--python", TestEnvironment.pythonEnvironment().python().toString(), "--target", target.toString(),
                "--index-url", simple));
        uv.addAll(WORDS);
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(uv, Path.of("").toAbsolutePath(), Map.of(), Duration.ofMinutes(2),
                line -> out.append(line).append('\n'));
        assertThat(r.exitCode()).as(out.toString()).isZero();
        for (String word : WORDS) {
            assertThat(target.resolve(word + "_mod").resolve("__init__.py")).exists();
        }
    }

    private static long downloadsToday() {
        var shown = index.cli(null, "keys", "show", AccessFixture.keyId(key));
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        try {
            String out = shown.stdout(); // in this JVM, log lines of the running servers may come first
            return new ObjectMapper().readTree(out.substring(out.indexOf("{\n"))).path("downloads_today").asLong();
        } catch (Exception e) {
            throw new AssertionError(shown.stdout(), e);
        }
    }
}
