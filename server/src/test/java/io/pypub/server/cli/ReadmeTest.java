package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.util.FileTrees;
import io.pypub.server.access.TinyWheels;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's command-line sections, run as they stand, in order, in one bash session, against
 * the embedded S3 and DynamoDB servers: so the README cannot drift from the code. What the test
 * provides is what a reader's machine has: AWS settings in the environment (the embedded
 * endpoints), {@code ./pypub} (the CLI from this build), {@code pip} (installing into a fresh
 * venv), and {@code localhost:8080} served on a free port. A block is skipped only when an HTML
 * comment right above it says so and why.
 */
class ReadmeTest {
    static final List<String> SECTIONS = List.of("Use it against AWS", "Release lifecycle", "Keys, docs users and the audit log");
    private static final Pattern BLOCK = Pattern.compile("(<!-- ReadmeTest skips this block: ([^>]*) -->\\n)?```sh\\n(.*?)```", Pattern.DOTALL);

    record Block(String section, String text, String skipReason) {}

    /** The sh blocks of the named level-2 sections, in README order. */
    static List<Block> blocks(String readme) {
        List<Block> out = new ArrayList<>();
        for (String section : SECTIONS) {
            int start = readme.indexOf("\n## " + section + "\n");
            assertThat(start).as("README section '" + section + "'").isGreaterThanOrEqualTo(0);
            int end = readme.indexOf("\n## ", start + 4);
            Matcher m = BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
            while (m.find()) {
                out.add(new Block(section, m.group(3), m.group(2)));
            }
        }
        return out;
    }

    @Test
    void theCommandLineSectionsRunAsWritten() throws Exception {
        TestEnvironment env = TestEnvironment.get();
        String readme = Files.readString(TestEnvironment.repoRoot().resolve("README.md"));
        List<Block> blocks = blocks(readme);
        assertThat(blocks.stream().filter(b -> b.skipReason() == null)).hasSizeGreaterThanOrEqualTo(5);

        Path work = TestEnvironment.tempDir("readme");
        FileTrees.copyFresh(TestEnvironment.repoRoot().resolve("examples"), work.resolve("examples"), rel -> false);
        Path old = Files.createDirectories(work.resolve("old-packages"));
        TinyWheels.write(old, "legacy-tool", "2.3.0");
        PythonEnvironment client = env.freshClientVenv();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder script = new StringBuilder(PRELUDE);
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            if (b.skipReason() != null) {
                continue;
            }
            script.append("echo '### README block ").append(i).append(" (").append(b.section()).append(")'\n")
                    .append(b.text().replace("localhost:8080", "127.0.0.1:" + port).replace("--port 8080", "--port " + port))
                    .append('\n');
        }
        script.append("echo '### README done'\n");

        var aws = env.aws().settings("unused", "", "unused", "unused");
        String id = "readme" + ProcessHandle.current().pid();
        Map<String, String> vars = new HashMap<>();
        vars.put("PYPUB_S3_ENDPOINT", aws.s3Endpoint().toString());
        vars.put("PYPUB_DYNAMODB_ENDPOINT", aws.dynamoEndpoint().toString());
        vars.put("PYPUB_VERSION_TABLE", id + "-versions");
        vars.put("PYPUB_ACCESS_TABLE", id + "-access");
        vars.put("AWS_REGION", aws.region());
        vars.put("AWS_ACCESS_KEY_ID", "embedded");
        vars.put("AWS_SECRET_ACCESS_KEY", "embedded-secret");
        vars.put("PYPUB_PYTHON", env.python().python().toString());
        vars.put("TEST_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("surefire.test.class.path");
        vars.put("TEST_CP", cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path"));
        vars.put("TEST_PIP_PYTHON", env.python().python().toString());
        vars.put("TEST_CLIENT_PYTHON", client.python().toString());
        vars.put("TEST_PORT", Integer.toString(port));
        vars.put("TEST_ALICE_PASSWORD", "a docs password for alice");

        Path file = Files.writeString(work.resolve("readme.sh"), script);
        StringBuilder out = new StringBuilder();
        var result = new LocalCommandRunner().run(List.of("bash", file.toString()), work, vars, Duration.ofMinutes(8),
                line -> out.append(line).append('\n'));
        String output = out.toString();
        assertThat(result.exitCode()).as(output).isZero();
        assertThat(output).contains("### README done")
                .contains("Successfully installed hello-package-0.1.0")
                .contains("pinned to 0.1.0")
                .contains("Yanked hello-package 0.1.0.post1")
                .contains("Revoked key");
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).skipReason() == null) {
                assertThat(output).contains("### README block " + i + " ");
            }
        }
        // The index's audit file has the pip download of the first block.
        assertThat(Files.readString(work.resolve("audit.log"))).contains("\"client\":\"me\"").contains("\"download\":true");
    }

    /**
     * What the reader's machine provides. {@code ./pypub serve} starts in the background (the README
     * says "in a second terminal") and is waited for; {@code users add} gets a terminal for its
     * password prompt ({@code script}); pip installs into a fresh venv.
     */
    private static final String PRELUDE = """
            set -euo pipefail
            cli() { "$TEST_JAVA" -cp "$TEST_CP" io.pypub.server.cli.PypubCli "$@"; }
            ./pypub() {
              if [ "$1" = serve ]; then
                # The JVM itself in the background, not a subshell running cli: the trap's kill must reach it.
                "$TEST_JAVA" -cp "$TEST_CP" io.pypub.server.cli.PypubCli "$@" > serve.out 2>&1 &
                echo $! > serve.pid
                for _ in $(seq 1 150); do
                  if (exec 3<>"/dev/tcp/127.0.0.1/$TEST_PORT") 2>/dev/null; then return 0; fi
                  sleep 0.2
                done
                cat serve.out; return 1
              fi
              if [ "$1" = users ] && [ "$2" = add ] && [[ " $* " != *" --password-stdin "* ]]; then
                printf '%s\\n%s\\n' "$TEST_ALICE_PASSWORD" "$TEST_ALICE_PASSWORD" \\
                  | script -qec "$(printf '%q ' "$TEST_JAVA" -cp "$TEST_CP" io.pypub.server.cli.PypubCli "$@")" /dev/null
                return
              fi
              cli "$@"
            }
            pip() { "$TEST_PIP_PYTHON" -m pip --python "$TEST_CLIENT_PYTHON" "$@" --isolated --disable-pip-version-check --no-input; }
            trap '[ -f serve.pid ] && kill "$(cat serve.pid)" 2>/dev/null; true' EXIT
            """;

    static {
        // Fail early with a clear message where the tools the README assumes are missing.
        for (String tool : List.of("bash", "script")) {
            try {
                Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("ReadmeTest needs '" + tool + "' on the PATH");
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
