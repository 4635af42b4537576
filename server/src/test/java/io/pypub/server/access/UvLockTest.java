package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * uv resolves with dozens of requests at once: a key created with the default limits must let a
 * whole lock of a project with many dependencies through without a single 429.
 */
class UvLockTest {
    static final int DEPENDENCIES = 120;
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void publishAnAppWithManyDependencies() throws Exception {
        index = new AccessFixture();
        Path dir = TestEnvironment.tempDir("uv-lock");
        List<String> deps = IntStream.range(0, DEPENDENCIES).mapToObj(i -> String.format("dep-%03d", i)).toList();
        for (String dep : deps) {
            TinyWheels.write(dir, dep, "1.0");
        }
        TinyWheels.write(dir, "big-app", "3.0", deps.stream().map(d -> d + ">=1.0").toList());
        var imported = index.cli(null, "import", "--stage", "dev", dir.toString());
        assertThat(imported.exitCode()).as(imported.stderr()).isZero();
        key = index.createKey("--client", "uv-team", "--stages", "dev"); // the default rate and burst
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void aFullUvResolveWithTheDefaultKeyGetsNo429() throws Exception {
        Path work = TestEnvironment.tempDir("uv-compile");
        Files.writeString(work.resolve("requirements.in"), "big-app\n");
        List<String> cmd = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "pip", "compile",
                "--no-cache", "--python", TestEnvironment.pythonEnvironment().python().toString(),
                "--index-url", AccessFixture.withKey(index.server(), key, "/dev/simple/"),
                "-o", work.resolve("requirements.txt").toString(), work.resolve("requirements.in").toString()));
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(cmd, work, Map.of(), Duration.ofMinutes(3), line -> out.append(line).append('\n'));
        assertThat(r.exitCode()).as(out.toString()).isZero();
        assertThat(Files.readString(work.resolve("requirements.txt"))).contains("big-app==3.0", "dep-000==1.0", "dep-119==1.0");

        List<JsonNode> mine = index.logs.audit().stream().filter(a -> AccessFixture.keyId(key).equals(a.path("key_id").asText())).toList();
        assertThat(mine).hasSizeGreaterThan(DEPENDENCIES);
        assertThat(mine).noneSatisfy(a -> assertThat(a.path("status").asInt()).isEqualTo(429));
        System.out.println("uv pip compile of " + (DEPENDENCIES + 1) + " projects: " + mine.size() + " requests, none refused");
    }
}
