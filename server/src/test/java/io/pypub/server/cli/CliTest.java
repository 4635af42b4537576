package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The `pypub` command line as a user runs it: exit codes, stdout for results, stderr for progress and errors. */
class CliTest {
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        // The CLI takes credentials from the AWS default chain; system properties are part of it.
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
        oldOut = System.out;
        oldErr = System.err;
    }

    @AfterEach
    void tearDown() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        d.close();
    }

    private int pypub(String... args) {
        return run(List.of(InProcessCli.on(d, args)));
    }

    private int run(List<String> all) {
        return InProcessCli.run(out, err, null, all.toArray(String[]::new));
    }

    @Test
    void publishHelpShowsTheJenkinsSuffixLiterallyAndTheProjectFolderAsOptional() {
        assertThat(run(List.of("publish", "--help"))).isZero();
        assertThat(out.toString()).contains(".dev${BUILD_NUMBER}").contains("[PROJECT-DIR]").doesNotContain(".devnull")
                .contains("default: the current");
    }

    @Test
    void theReadmesAcmeUtilsExamplePublishesWithDocsItsPrivateDependencyComingFromTheStage() {
        String python = env.python().python().toString();
        assertThat(pypub("publish", env.copyOfExample("hello-package").toString(), "--stage", "dev", "--python", python,
                "--no-isolation")).as(err.toString()).isZero();
        int code = pypub("publish", env.copyOfExample("acme-utils").toString(), "--stage", "dev", "--python", python,
                "--no-isolation");
        assertThat(code).as(err.toString()).isZero();
        assertThat(d.s3Snapshot().keySet()).anyMatch(k -> k.startsWith("docs/dev/acme-utils/1.0.0/") && k.endsWith("acme_text.html"));
        assertThat(err.toString()).contains("with its dependencies from stage 'dev'");
    }

    @Test
    void aDocsDependencyTheStageLacksIsOneErrorLineWithTheCommandToReproduceAndNothingUploaded() {
        String python = env.python().python().toString();
        var before = d.s3Snapshot();
        int code = pypub("publish", env.copyOfExample("acme-utils").toString(), "--stage", "dev", "--python", python,
                "--no-isolation");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("error: No docs: pip could not install the package's dependencies from stage 'dev'")
                .contains("hello-package").contains("To reproduce: " + python + " -m pip install --index-url")
                .doesNotContain("\tat ");
        assertThat(d.s3Snapshot()).isEqualTo(before);
    }

    @Test
    void publishPrintsJsonAndARepeatFailsWithExitCode1AndAClearMessage() throws Exception {
        String project = env.copyOfExample("hello-package").toString();
        String python = env.python().python().toString();
        int code = pypub("publish", project, "--stage", "dev", "--python", python, "--no-isolation", "--no-docs", "--json",
                "--index-url", "https://pypi.example.com");
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.path("project").asText()).isEqualTo("hello-package");
        assertThat(json.path("version").asText()).isEqualTo("0.1.0");
        assertThat(json.path("files")).hasSize(2);
        assertThat(json.path("installCommand").asText())
                .isEqualTo("pip install --index-url https://pypi.example.com/dev/simple/ hello-package==0.1.0");
        // The pages for people (IndexRoute's ProjectPage and VersionPage); no docsUrl without docs.
        assertThat(json.path("projectUrl").asText()).isEqualTo("https://pypi.example.com/dev/-/project/hello-package/");
        assertThat(json.path("releaseUrl").asText()).isEqualTo("https://pypi.example.com/dev/-/project/hello-package/0.1.0/");
        assertThat(json.has("docsUrl")).isFalse();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Uploaded hello_package-0.1.0.tar.gz");

        int again = pypub("publish", project, "--stage", "dev", "--python", python, "--no-isolation", "--no-docs");
        assertThat(again).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: hello-package 0.1.0 is already published in stage 'dev'")
                .doesNotContain("\tat "); // a message, not a stack trace
    }

    @Test
    void badInputGetsAClearErrorAndExitCode() {
        assertThat(pypub("publish", "/nonexistent/project", "--stage", "Prod!")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid stage 'Prod!'");
        assertThat(pypub("publish", "/nonexistent/project", "--stage", "dev", "--version-suffix", "banana")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid version suffix 'banana'");
        assertThat(pypub("prune", "--stage", "dev")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Say what to prune: --keep N");
        assertThat(pypub("prune", "--stage", "dev", "--keep", "3", "--dry-run")).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Dry run: would prune 0 releases from stage 'dev'.");
    }

    @Test
    void unreachableAwsGetsOneClearLineNotAStackTrace() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort;
        assertThat(run(List.of("init", "--bucket", d.settings().bucket(), "--s3-endpoint", nowhere, "--dynamodb-endpoint", nowhere)))
                .isEqualTo(1);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).startsWith("error: could not reach AWS: ").contains("Connection refused")
                .contains("Check the network, the endpoints").doesNotContain("\tat ");
    }

    @Test
    void backupAndRestoreFromTheCommandLine() {
        assertThat(pypub("init")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("table " + d.settings().versionTable() + ": exists");
        assertThat(pypub("backup", "--key", "backups/test.jsonl")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("s3://" + d.settings().bucket() + "/backups/test.jsonl (0 items");
        assertThat(pypub("restore", "--key", "backups/test.jsonl", "--table", "restored-" + d.settings().versionTable())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Restored 0 items");
    }
}
