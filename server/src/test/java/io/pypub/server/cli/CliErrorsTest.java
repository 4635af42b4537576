package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 7: user mistakes get one line on stderr and a non-zero exit, never a stack trace,
 * and bad input changes nothing (past expiry, over-long reason, unsafe backup key).
 */
class CliErrorsTest {
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private int pypub(String... args) {
        return run(InProcessCli.on(d, args));
    }

    private int run(String... args) {
        return InProcessCli.run(out, err, null, args);
    }

    /** Exactly one line, starting with "error: ", and no stack trace. */
    private String oneErrorLine() {
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).startsWith("error: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(e.strip().lines()).hasSize(1);
        return e.strip();
    }

    @Test
    void auditOfAMissingFileAFolderOrDamagedInputIsOneLineAndExit1NotZeroDownloads() throws Exception {
        Path dir = TestEnvironment.tempDir("audit-input");
        assertThat(run("audit", "--client", "acme", "--month", "2026-11", "/nonexistent.log")).isEqualTo(1);
        assertThat(oneErrorLine()).contains("No such audit log: /nonexistent.log");

        assertThat(run("audit", "--client", "acme", "--month", "2026-11", dir.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains(dir + " is a folder");

        Path truncated = dir.resolve("truncated.log");
        Files.writeString(truncated, "{\"request_id\":\"a\",\"time\":\"2026-11-02T00:00:00Z\",\"download\":true,\"client\":\"acme\"}\n"
                + "{\"request_id\":\"b\",\"time\":\"2026-11-0");
        assertThat(run("audit", "--client", "acme", "--month", "2026-11", truncated.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains(truncated + " line 2 is a damaged audit line");

        Path notAudit = dir.resolve("passwd");
        Files.writeString(notAudit, "root:x:0:0:root:/root:/bin/bash\n");
        assertThat(run("audit", "--client", "acme", "--month", "2026-11", notAudit.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains("has no audit lines");

        Path badGzip = dir.resolve("audit.log.gz");
        Files.write(badGzip, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        assertThat(run("audit", "--client", "acme", "--month", "2026-11", badGzip.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains(badGzip.toString()).contains("gzip");

        Path binary = dir.resolve("binary.log");
        Files.write(binary, new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '\n'});
        assertThat(run("audit", "--client", "acme", "--month", "2026-11", binary.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains(binary.toString());

        // A good file (gzip too) still answers; an empty one is zero downloads.
        Path good = dir.resolve("good.log.gz");
        try (var gz = new GZIPOutputStream(Files.newOutputStream(good))) {
            gz.write(Files.readString(truncated).lines().findFirst().orElseThrow().getBytes(StandardCharsets.UTF_8));
        }
        Path empty = Files.createFile(dir.resolve("empty.log"));
        assertThat(run("audit", "--client", "acme", "--month", "2026-11", good.toString(), empty.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("1 downloads by client 'acme' in 2026-11:");

        // Mistakes in the options: one line too (picocli's own parse errors included).
        assertThat(run("audit", "--month", "November", good.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains("Invalid month 'November'");
        assertThat(run("audit", "--since", "yesterday", good.toString())).isEqualTo(1);
        assertThat(oneErrorLine()).contains("Invalid --since 'yesterday'");
        assertThat(run("audit", "--bogus")).isEqualTo(2);
        assertThat(oneErrorLine()).contains("Unknown option: '--bogus'").contains("pypub audit --help");
    }

    @Test
    void anEndpointThatIsNotAUrlIsOneLineFromTheEnvironmentToo() throws Exception {
        assertThat(run("keys", "list", "--bucket", "bkt", "--dynamodb-endpoint", "notaurl")).isEqualTo(1);
        assertThat(oneErrorLine()).contains("Invalid dynamodb-endpoint 'notaurl' (from option --dynamodb-endpoint): use an http(s) URL");

        // As reported: the variable in the environment of a real `pypub` process.
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PypubCli.class.getName(), "keys", "list");
        pb.environment().putAll(Map.of("PYPUB_DYNAMODB_ENDPOINT", "notaurl", "PYPUB_BUCKET", "bkt",
                "AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(output.strip().lines()).singleElement().asString().startsWith("error: Invalid dynamodb-endpoint 'notaurl' (from environment variable PYPUB_DYNAMODB_ENDPOINT)");
        assertThat(output).doesNotContain("NullPointerException");
    }

    @Test
    void unexpectedErrorsAreOneLineNamingTheBugWithTheStackTraceOnlyOnRequest() {
        String line = PypubCli.describe(new NullPointerException("Cannot invoke \"String.length()\""));
        assertThat(line).startsWith("unexpected NullPointerException: Cannot invoke").contains("PYPUB_DEBUG=1").doesNotContain("\n");
        assertThat(PypubCli.describe(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/x/y"))))
                .isEqualTo("No such file or folder: /x/y");
        assertThat(PypubCli.describe(new java.nio.file.AccessDeniedException("/root/secret"))).isEqualTo("Permission denied: /root/secret");
    }

    @Test
    void keysCreateRefusesAnExpiryInThePast() {
        assertThat(pypub("keys", "create", "--client", "acme", "--stages", "prod", "--expires", "2020-01-31")).isEqualTo(1);
        assertThat(oneErrorLine()).contains("The expiry 2020-01-31 is in the past");
        assertThat(pypub("keys", "create", "--client", "acme", "--stages", "prod", "--expires", "2020-01-31T00:00:00Z")).isEqualTo(1);
        assertThat(pypub("keys", "list", "--json")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("[ ]");
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString();
        assertThat(pypub("keys", "create", "--client", "acme", "--stages", "prod", "--expires", tomorrow)).isZero();
    }

    @Test
    void aReasonLongerThan500CharactersIsRefusedAndChangesNothing() throws Exception {
        String project = env.copyOfExample("hello-package").toString();
        assertThat(pypub("publish", project, "--stage", "dev", "--python", env.python().python().toString(), "--no-isolation",
                "--no-docs")).isZero();
        var before = d.tableSnapshot();
        String longReason = "x".repeat(100_000);
        assertThat(pypub("yank", "hello-package", "0.1.0", "--stage", "dev", "--reason", longReason)).isEqualTo(1);
        assertThat(oneErrorLine()).contains("is 100000 characters long; keep it to 500");
        assertThat(pypub("rollback", "hello-package", "--stage", "dev", "--to", "0.1.0", "--reason", "y".repeat(501))).isEqualTo(1);
        assertThat(oneErrorLine()).contains("is 501 characters long; keep it to 500");
        assertThat(d.tableSnapshot()).isEqualTo(before);
        assertThat(pypub("yank", "hello-package", "0.1.0", "--stage", "dev", "--reason", "z".repeat(500))).isZero();
    }

    @Test
    void backupAndRestoreRefuseObjectKeysThatEscapeOrAreNotPrintable() {
        var before = d.s3Snapshot();
        for (String bad : List.of("../../x", "backups/../../x", "/etc/backup.jsonl", "a//b", "backups/", "back\u0001up", "a\\b")) {
            assertThat(pypub("backup", "--key", bad)).as(bad).isEqualTo(1);
            assertThat(oneErrorLine()).contains("--key");
            assertThat(pypub("restore", "--key", bad)).as(bad).isEqualTo(1);
            oneErrorLine();
        }
        assertThat(d.s3Snapshot()).isEqualTo(before);
        assertThat(pypub("backup", "--key", "backups/ok-1.jsonl")).isZero();
    }
}
