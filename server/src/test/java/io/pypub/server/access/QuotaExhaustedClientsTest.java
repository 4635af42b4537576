package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2a: a key whose daily quota is used up makes real pip and uv stop at once, with
 * an error that names the quota and its reset, instead of pip sleeping out a Retry-After of hours
 * (a CI job that hangs) or uv retrying three times. The index answers 403 with the reason in the
 * status line, which both print; neither retries a 403.
 */
class QuotaExhaustedClientsTest {
    /** Far below the hours a 429 with the time to the reset made pip wait; a normal failure takes about a second. */
    static final Duration FAIL_FAST = Duration.ofSeconds(30);
    private static AccessFixture index;
    private static String wheelPath;

    @BeforeAll
    static void publish() {
        index = new AccessFixture();
        ReleaseFile wheel = index.publish("hello-package", "dev").release().files().stream()
                .filter(f -> f.filename().endsWith(".whl")).findFirst().orElseThrow();
        wheelPath = "/dev/files/hello-package/0.1.0/" + wheel.filename();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    /** A key with a daily quota of one download, already used. */
    private static String exhaustedKey(String client) throws Exception {
        String key = index.createKey("--client", client, "--stages", "dev", "--daily", "1", "--rate", "0");
        assertThat(index.get(wheelPath, "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        return key;
    }

    @Test
    void anExhaustedQuotaIs403NamingTheQuotaAndItsResetWithoutRetryAfter() throws Exception {
        String key = exhaustedKey("quota-http");
        var over = index.get(wheelPath, "Authorization", "Bearer " + key);
        assertThat(over.statusCode()).isEqualTo(403);
        assertThat(over.headers().firstValue("Retry-After")).isEmpty();
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1) + "T00:00:00Z";
        assertThat(new String(over.body(), StandardCharsets.UTF_8))
                .isEqualTo("Forbidden: Download quota exceeded: daily limit of 1 downloads, resets " + tomorrow + "\n");
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
            assertThat(a.path("status").asInt()).isEqualTo(403);
            assertThat(a.path("reason").asText()).isEqualTo("daily quota exceeded");
        });
    }

    /** pip of a fresh venv (the interpreter's bundled pip) and the test venv's pinned pip. */
    @Test
    void pipStopsWithinSecondsAndSaysWhichQuotaAndWhenItResets() throws Exception {
        String key = exhaustedKey("quota-pip");
        String index_ = AccessFixture.withKey(index.server(), key, "/dev/simple/");
        for (PythonEnvironment venv : List.of(index.env.freshClientVenv(), TestEnvironment.pythonEnvironment())) {
            String version = index.pip(venv, "--version").output().strip();
            long start = System.nanoTime();
            AccessFixture.Run dl = index.pip(venv, "download", "--no-deps", "-d", TestEnvironment.tempDir("dl").toString(),
                    "--index-url", index_, "hello-package");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println(version + ": exit " + dl.exitCode() + " after " + took.toMillis() + " ms:\n" + dl.output());
            assertThat(dl.exitCode()).as(dl.output()).isNotZero();
            assertThat(took).as(version).isLessThan(FAIL_FAST);
            assertThat(dl.output()).contains("403").contains("Download quota exceeded: daily limit of 1 downloads, resets ")
                    .doesNotContain(key.substring(17));
        }
    }

    @Test
    void uvStopsWithinSecondsAndSaysWhichQuotaAndWhenItResets() throws Exception {
        String key = exhaustedKey("quota-uv");
        Path venv = TestEnvironment.tempDir("uv-venv-").resolve("venv");
        run(List.of(PythonEnvironment.baseInterpreter(), "-m", "venv", "--without-pip", venv.toString()));
        Path uv = TestEnvironment.pythonEnvironment().bin("uv");
        String version = run(List.of(uv.toString(), "--version")).output().strip();
        long start = System.nanoTime();
        Result r = run(List.of(uv.toString(), "pip", "install", "--no-config", "--no-cache", "--python",
                venv.resolve("bin/python").toString(), "--index-url", AccessFixture.withKey(index.server(), key, "/dev/simple/"),
                "hello-package"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println(version + ": exit " + r.exitCode() + " after " + took.toMillis() + " ms:\n" + r.output());
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(took).isLessThan(FAIL_FAST);
        assertThat(r.output()).contains("403").contains("Download quota exceeded: daily limit of 1 downloads, resets ")
                .doesNotContain("retries").doesNotContain(key.substring(17));
    }

    record Result(int exitCode, String output) {}

    /** Runs a client without this machine's PIP_/UV_ settings; returns its exit code and output (stdout and stderr). */
    static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIP_") || k.startsWith("UV_") || k.equals("VIRTUAL_ENV"));
        pb.environment().putAll(java.util.Map.of("UV_INDEX_STRATEGY", "first-index", "UV_PYTHON_DOWNLOADS", "never",
                "UV_NO_PROGRESS", "1"));
        Path log = Files.createTempFile("client-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " hung:\n" + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        index.outputs.append(out);
        return new Result(p.exitValue(), out);
    }
}
