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

    @Test
    void sigkillOfAPublishAndOfAnOverwriteLeavesRecordsMatchingTheirBytesAndNoLease() throws Exception {
        // A publish killed after its sdist upload: no record, and the re-run publishes at once.
        Run killed = start(line -> line.startsWith("Uploaded hello_package-0.1.0.tar.gz"), publish(variant("first")));
        assertThat(finish(killed)).as(killed.text()).isNotZero();
        assertThat(killed.text()).contains("Uploaded hello_package-0.1.0.tar.gz").doesNotContain("Recorded ");
        assertThat(d.versions().release(DEV, "hello-package", Version.parse("0.1.0"))).isEmpty();
        assertNoViolations();

        Run again = start(null, publish(variant("first")));
        assertThat(finish(again)).as(again.text()).isZero();
        Release first = d.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow();
        assertNoViolations();

        // An overwrite killed after its wheel upload: the old record, with its own bytes, is still served.
        Run overwriteKilled = start(line -> line.startsWith("Uploaded hello_package-0.1.0-py3-none-any.whl"),
                publish(variant("second"), "--overwrite"));
        assertThat(finish(overwriteKilled)).as(overwriteKilled.text()).isNotZero();
        assertThat(d.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow().revision())
                .isEqualTo(first.revision());
        assertNoViolations();

        // An overwrite killed the moment it starts its record transaction: the old record or the new one,
        // each matching its bytes.
        Run killedAtRecord = start(line -> line.startsWith("Recording "), publish(variant("third"), "--overwrite"));
        finish(killedAtRecord);
        assertNoViolations();

        // No lease to wait for: the repair runs at once.
        Run repair = start(null, publish(variant("fourth"), "--overwrite"));
        assertThat(finish(repair)).as(repair.text()).isZero();
        assertThat(d.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow().revision())
                .isNotEqualTo(first.revision());
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
