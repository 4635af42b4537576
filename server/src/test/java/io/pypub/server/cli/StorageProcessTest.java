package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.integrity.StorageInvariants;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real `pypub` processes (a JVM each) against the embedded servers: publishes killed with SIGKILL
 * at a step of their own output, and two publishes of one version racing. After each, every record
 * must match its bytes (StorageInvariants), no lease may block the re-run, and the loser of a race
 * prints one `error:` line.
 */
class StorageProcessTest {
    private static final Stage DEV = Stage.of("dev");
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    /** A running `pypub` process with its stderr lines. */
    private record Run(Process process, List<String> lines, CompletableFuture<Void> reader) {
        String text() {
            return String.join("\n", lines);
        }
    }

    private Run start(Predicate<String> killAt, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PypubCli.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--bucket", d.settings().bucket(), "--version-table", d.settings().versionTable(),
                "--access-table", d.settings().accessTable(), "--s3-endpoint", d.settings().s3Endpoint().toString(),
                "--dynamodb-endpoint", d.settings().dynamoEndpoint().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "embedded", "AWS_SECRET_ACCESS_KEY", "embedded-secret"));
        pb.environment().remove("PYPUB_PREFIX");
        Process p = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (killAt != null && killAt.test(line)) {
                        p.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
                    }
                }
            } catch (Exception e) {
                // the process is gone
            }
        });
        return new Run(p, lines, reader);
    }

    private int finish(Run run) throws Exception {
        assertThat(run.process().waitFor(5, TimeUnit.MINUTES)).as("pypub finished").isTrue();
        run.reader().get(30, TimeUnit.SECONDS);
        return run.process().exitValue();
    }

    private String[] publish(Path project, String... extra) {
        List<String> args = new ArrayList<>(List.of("publish", project.toString(), "--stage", "dev", "--python",
                env.python().python().toString(), "--no-isolation", "--no-docs", "--no-slack", "--published-by", "process-test"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private void assertNoViolations() {
        assertThat(new StorageInvariants(d.versions(), d.store()).violations()).isEmpty();
    }

    private Path variant(String readme) throws Exception {
        Path project = env.copyOfExample("hello-package");
        Files.writeString(project.resolve("README.md"), readme + "\n");
        return project;
    }

    /** The steps a publish is killed at, by the first line of its output that shows it got there. */
    private static final List<String> STEPS = List.of("after the sdist upload", "after the wheel upload", "before the record",
            "after the record");

    private static Predicate<String> at(String step) {
        return switch (step) {
            case "after the sdist upload" -> l -> l.startsWith("Uploaded ") && l.contains(".tar.gz");
            case "after the wheel upload" -> l -> l.startsWith("Uploaded ") && l.contains(".whl");
            case "before the record" -> l -> l.startsWith("Recording ");
            default -> l -> l.startsWith("Recorded ");
        };
    }

    @Test
    void sigkillOfAPublishAndOfAnOverwriteAtEachStepLeavesRecordsMatchingTheirBytesAndNoLease() throws Exception {
        Run first = start(null, publish(variant("first")));
        assertThat(finish(first)).as(first.text()).isZero();
        Release current = d.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow();
        int n = 0;
        for (String step : STEPS) {
            n++;
            // A new version killed at the step: no record before the record step, a complete one after it.
            String version = "0.2." + n;
            Run killed = start(at(step), publish(io.pypub.core.testing.ExampleVersions.helloPackage(env, version, null)));
            assertThat(finish(killed)).as(step + ":\n" + killed.text()).isNotZero();
            boolean recorded = d.versions().release(DEV, "hello-package", Version.parse(version)).isPresent();
            // (A SIGKILL when "Recording" is printed may land before or after the transaction: either is whole.)
            // After the sdist upload the wheel is still to go, so the kill always lands first; after the wheel upload
            // the record is milliseconds away and a busy machine may let it through: whole either way.
            if (step.equals("after the sdist upload")) {
                assertThat(recorded).as(step).isFalse();
            } else if (step.equals("after the record")) {
                assertThat(recorded).as(step).isTrue();
            }
            assertNoViolations();

            // An overwrite killed at the step: the old record with its bytes, or the new one with its own.
            Run overwrite = start(at(step), publish(variant("overwrite " + n), "--overwrite"));
            assertThat(finish(overwrite)).as(step + ":\n" + overwrite.text()).isNotZero();
            Release now = d.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow();
            if (step.equals("after the sdist upload")) {
                assertThat(now.revision()).as(step).isEqualTo(current.revision());
            } else if (step.equals("after the record")) {
                assertThat(now.revision()).as(step).isNotEqualTo(current.revision());
            }
            current = now;
            assertNoViolations();
        }

        // No lease to wait for: a repair runs at once.
        Run repair = start(null, publish(variant("repair"), "--overwrite"));
        assertThat(finish(repair)).as(repair.text()).isZero();
        assertThat(d.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow().revision())
                .isNotEqualTo(current.revision());
        assertNoViolations();
    }

    @Test
    void twoProcessesPublishingOneVersionAtOnceRecordOneAndTheOtherPrintsOneErrorLine() throws Exception {
        Run a = start(null, publish(variant("build a")));
        Run b = start(null, publish(variant("build b")));
        int codeA = finish(a);
        int codeB = finish(b);
        assertThat(List.of(codeA, codeB)).as(a.text() + "\n----\n" + b.text()).containsExactlyInAnyOrder(0, 1);
        Run loser = codeA == 0 ? b : a;
        assertThat(loser.lines()).filteredOn(l -> l.startsWith("error: ")).singleElement().asString()
                .contains("hello-package 0.1.0 is already published in stage 'dev'");
        assertThat(loser.text()).doesNotContain("\tat ").doesNotContain("Exception");
        assertNoViolations();
    }
}
