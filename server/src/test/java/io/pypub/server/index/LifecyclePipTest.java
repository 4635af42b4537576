package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PackageBuilder;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.ExampleVersions;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import io.pypub.server.cli.PypubCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The release lifecycle end to end: {@code pypub rollback/unpin/yank/unyank/promote/import} on a
 * deployment, an index in front of it, and real pip in fresh virtual environments.
 */
class LifecyclePipTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_ACCEPT = "application/vnd.pypi.simple.v1+json";

    @BeforeAll
    static void credentialsForTheCli() {
        // The CLI takes credentials from the AWS default chain; the local servers accept any.
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
    }

    @Test
    void rollbackPinsWhatPipInstallsAndYankedVersionsAreSkippedUnlessPinnedExactly() throws Exception {
        try (IndexFixture index = new IndexFixture()) {
            index.publish(example(index, "0.1.0", null), "dev");
            index.publish(example(index, "0.2.0", null), "dev");

            ListAppender<ILoggingEvent> audit = new ListAppender<>();
            audit.start();
            ((Logger) LoggerFactory.getLogger("pypub.audit")).addAppender(audit);
            Cli rollback = pypub(index, "rollback", "hello-package", "--stage", "dev", "--to", "0.1.0",
                    "--reason", "0.2.0 breaks imports", "--actor", "alice");
            ((Logger) LoggerFactory.getLogger("pypub.audit")).detachAppender(audit);
            assertThat(rollback.exit).as(rollback.err).isZero();
            assertThat(rollback.out).contains("pinned to 0.1.0 (was 0.2.0)");
            assertThat(audit.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("\"operation\":\"rollback\"", "\"actor\":\"alice\"", "\"outcome\":\"ok\"");
            awaitIndex("latest = 0.1.0", () -> latestFile(index, "dev").equals("hello_package-0.1.0.tar.gz"));
            // The simple API has no latest: releases above the pin are offered as yanked (PEP 592).
            assertThat(yankedFiles(index, "dev")).containsOnlyKeys("hello_package-0.2.0.tar.gz", "hello_package-0.2.0-py3-none-any.whl")
                    .containsValue("latest is pinned to 0.1.0: 0.2.0 breaks imports");

            PythonEnvironment client = index.env.freshClientVenv();
            assertThat(pip(index, client, "dev", "hello-package")).contains("Successfully installed hello-package-0.1.0");
            assertThat(installedVersion(client)).isEqualTo("0.1.0");

            // A publish while pinned is recorded but leaves the pin.
            PublishResult third = index.publish(example(index, "0.3.0", null), "dev");
            assertThat(third.latest().pinned()).isTrue();
            assertThat(third.latest().latestVersion()).isEqualTo("0.1.0");
            Thread.sleep(1100); // past the index's cache: it must still say 0.1.0
            assertThat(latestFile(index, "dev")).isEqualTo("hello_package-0.1.0.tar.gz");

            Cli unpin = pypub(index, "unpin", "hello-package", "--stage", "dev", "--actor", "alice");
            assertThat(unpin.exit).as(unpin.err).isZero();
            assertThat(unpin.out).contains("now 0.3.0");
            awaitIndex("latest = 0.3.0", () -> latestFile(index, "dev").equals("hello_package-0.3.0.tar.gz"));

            Cli yank = pypub(index, "yank", "hello-package", "0.3.0", "--stage", "dev", "--reason", "broken on py3.9",
                    "--actor", "bob");
            assertThat(yank.exit).as(yank.err).isZero();
            assertThat(yank.out).contains("Yanked hello-package 0.3.0").contains("latest moved from 0.3.0 to 0.2.0");
            awaitIndex("0.3.0 yanked", () -> yankedFiles(index, "dev").equals(Map.of(
                    "hello_package-0.3.0.tar.gz", "broken on py3.9", "hello_package-0.3.0-py3-none-any.whl", "broken on py3.9")));
            // The latest pointer is a separate cached read: it follows within the same freshness bound.
            awaitIndex("latest = 0.2.0", () -> latestFile(index, "dev").equals("hello_package-0.2.0.tar.gz"));

            PythonEnvironment other = index.env.freshClientVenv();
            assertThat(pip(index, other, "dev", "hello-package")).contains("Successfully installed hello-package-0.2.0");
            // PEP 592: an exact pin still installs the yanked version, with pip's warning and our reason.
            String exact = pip(index, other, "dev", "hello-package==0.3.0");
            assertThat(exact).contains("Successfully installed hello-package-0.3.0").contains("broken on py3.9");
            assertThat(installedVersion(other)).isEqualTo("0.3.0");

            Cli unyank = pypub(index, "unyank", "hello-package", "0.3.0", "--stage", "dev", "--actor", "bob");
            assertThat(unyank.exit).as(unyank.err).isZero();
            awaitIndex("0.3.0 unyanked", () -> yankedFiles(index, "dev").isEmpty()
                    && latestFile(index, "dev").equals("hello_package-0.3.0.tar.gz"));

            // Refusals: a clear message, exit 1, and the table is untouched.
            assertThat(pypub(index, "rollback", "hello-package", "--stage", "dev", "--to", "0.1.0", "--reason", "again",
                    "--actor", "alice").exit).isZero();
            var table = index.deployment.tableSnapshot();
            Cli yankPinned = pypub(index, "yank", "hello-package", "0.1.0", "--stage", "dev", "--reason", "x", "--actor", "bob");
            assertThat(yankPinned.exit).isEqualTo(1);
            assertThat(yankPinned.err).contains("error: hello-package 0.1.0 is the pinned latest in stage 'dev' (again). "
                    + "Roll back to another version (or unpin) first, then yank it.");
            Cli unknown = pypub(index, "rollback", "hello-pkg", "--stage", "dev", "--to", "0.1.0", "--reason", "x", "--actor", "bob");
            assertThat(unknown.exit).isEqualTo(1);
            assertThat(unknown.err).contains("error: There is no project 'hello-pkg' in stage 'dev'");
            Cli noReason = pypub(index, "yank", "hello-package", "0.2.0", "--stage", "dev");
            assertThat(noReason.exit).isEqualTo(2);
            assertThat(noReason.err).contains("Missing required option: '--reason=<reason>'");
            assertThat(index.deployment.tableSnapshot()).isEqualTo(table);
        }
    }

    @Test
    void promoteServesByteIdenticalFilesInProdIsIdempotentAndRefusesDifferentBytes() throws Exception {
        try (IndexFixture index = new IndexFixture()) {
            index.publish(example(index, "0.1.0", null), "dev");

            Cli promote = pypub(index, "promote", "hello-package", "0.1.0", "--from", "dev", "--to", "prod",
                    "--actor", "release-bot");
            assertThat(promote.exit).as(promote.err).isZero();
            assertThat(promote.out).contains("Promoted hello-package 0.1.0 from 'dev' to 'prod'");
            awaitIndex("prod page", () -> index.get("/prod/simple/hello-package/").statusCode() == 200);

            Map<String, String> dev = downloadedSha256(index, "dev");
            Map<String, String> prod = downloadedSha256(index, "prod");
            assertThat(prod).hasSize(4) // sdist, wheel and their PEP 658 .metadata
                    .isEqualTo(dev);
            assertThat(prod).containsEntry("hello_package-0.1.0.tar.gz", index.deployment.versions()
                    .release(Stage.of("dev"), "hello-package", Version.parse("0.1.0")).orElseThrow().primaryFile().sha256());
            assertThat(latestFile(index, "prod")).isEqualTo("hello_package-0.1.0.tar.gz");

            PythonEnvironment client = index.env.freshClientVenv();
            assertThat(pip(index, client, "prod", "hello-package")).contains("Successfully installed hello-package-0.1.0");

            // Again: nothing to do, nothing written.
            var s3 = index.deployment.s3Snapshot();
            var table = index.deployment.tableSnapshot();
            Cli again = pypub(index, "promote", "hello-package", "0.1.0", "--from", "dev", "--to", "prod", "--actor", "release-bot");
            assertThat(again.exit).as(again.err).isZero();
            assertThat(again.out).contains("already is in stage 'prod' with identical bytes");
            assertThat(index.deployment.s3Snapshot()).isEqualTo(s3);
            assertThat(index.deployment.tableSnapshot()).isEqualTo(table);

            // prod got its own 0.2.0 (different bytes); promoting dev's 0.2.0 over it is refused.
            index.publish(example(index, "0.2.0", "Howdy"), "prod");
            index.publish(example(index, "0.2.0", null), "dev");
            Map<String, String> prodBefore = downloadedSha256(index, "prod");
            s3 = index.deployment.s3Snapshot();
            table = index.deployment.tableSnapshot();
            Cli conflict = pypub(index, "promote", "hello-package", "0.2.0", "--from", "dev", "--to", "prod", "--actor", "release-bot");
            assertThat(conflict.exit).isEqualTo(1);
            assertThat(conflict.err).contains("error: hello-package 0.2.0 already exists in stage 'prod' with different bytes")
                    .contains("Nothing was copied or recorded.");
            assertThat(index.deployment.s3Snapshot()).isEqualTo(s3);
            assertThat(index.deployment.tableSnapshot()).isEqualTo(table);
            assertThat(downloadedSha256(index, "prod")).isEqualTo(prodBefore);
        }
    }

    @Test
    void importedFolderIsInstallableAndASecondImportChangesNothing() throws Exception {
        try (IndexFixture index = new IndexFixture()) {
            Path folder = TestEnvironment.tempDir("pypub-legacy-");
            new PackageBuilder(new LocalCommandRunner()).build(example(index, "0.1.0", null), folder,
                    index.env.python().python().toString(), true, false, Duration.ofMinutes(5), new RecordingLog());

            Cli first = pypub(index, "import", folder.toString(), "--stage", "legacy", "--actor", "migration");
            assertThat(first.exit).as(first.err).isZero();
            assertThat(first.out).contains("Imported 2 files into stage 'legacy' (1 releases recorded)");
            var s3 = index.deployment.s3Snapshot();
            var table = index.deployment.tableSnapshot();
            Cli second = pypub(index, "import", folder.toString(), "--stage", "legacy", "--actor", "migration");
            assertThat(second.exit).as(second.err).isZero();
            assertThat(second.out).contains("Imported 0 files").contains("2 already there");
            assertThat(index.deployment.s3Snapshot()).isEqualTo(s3);
            assertThat(index.deployment.tableSnapshot()).isEqualTo(table);

            PythonEnvironment client = index.env.freshClientVenv();
            assertThat(pip(index, client, "legacy", "hello-package")).contains("Successfully installed hello-package-0.1.0");
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private static Path example(IndexFixture index, String version, String greeting) {
        return ExampleVersions.helloPackage(index.env, version, greeting);
    }

    private record Cli(int exit, String out, String err) {}

    /** Runs {@code pypub ARGS} against the fixture's deployment, capturing what it prints. */
    private static Cli pypub(IndexFixture index, String... args) {
        AwsSettings s = index.deployment.settings();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bucket", s.bucket(), "--version-table", s.versionTable(), "--region", s.region(),
                "--s3-endpoint", s.s3Endpoint().toString(), "--dynamodb-endpoint", s.dynamoEndpoint().toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = PypubCli.run(all.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Cli cli = new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("$ pypub " + String.join(" ", args) + "\n" + cli.out + cli.err + "(exit " + exit + ")");
        return cli;
    }

    private static String pip(IndexFixture index, PythonEnvironment venv, String stage, String requirement) {
        // --isolated: ignore this machine's pip.conf and PIP_* so only our index can satisfy the install.
        return TestEnvironment.run(List.of(venv.python().toString(), "-m", "pip", "install", "--isolated",
                "--disable-pip-version-check", "--no-cache-dir", "--index-url", index.url("/" + stage + "/simple/"), requirement));
    }

    private static String installedVersion(PythonEnvironment venv) {
        return TestEnvironment.run(List.of(venv.python().toString(), "-c",
                "import hello_package; print(hello_package.__version__)")).strip();
    }

    /** The file name {@code /{stage}/hello-package/latest} serves. */
    private static String latestFile(IndexFixture index, String stage) throws Exception {
        var r = index.get("/" + stage + "/hello-package/latest");
        assertThat(r.statusCode()).isEqualTo(200);
        String disposition = r.headers().firstValue("Content-Disposition").orElseThrow();
        return disposition.replaceAll(".*filename=\"([^\"]+)\".*", "$1");
    }

    private static JsonNode projectJson(IndexFixture index, String stage) throws Exception {
        var r = index.get("/" + stage + "/simple/hello-package/", "Accept", JSON_ACCEPT);
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** File name -> yank reason of every file the PEP 691 page marks yanked. */
    private static Map<String, String> yankedFiles(IndexFixture index, String stage) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode f : projectJson(index, stage).get("files")) {
            if (!f.get("yanked").isBoolean() || f.get("yanked").asBoolean()) {
                out.put(f.get("filename").asText(), f.get("yanked").asText());
            }
        }
        return out;
    }

    /** Downloads every file (and .metadata) the stage's page links to; file name -> sha256 of the bytes received. */
    private static Map<String, String> downloadedSha256(IndexFixture index, String stage) throws Exception {
        URI page = URI.create(index.url("/" + stage + "/simple/hello-package/"));
        Map<String, String> out = new TreeMap<>();
        for (JsonNode f : projectJson(index, stage).get("files")) {
            String url = page.resolve(f.get("url").asText()).getPath();
            var body = index.get(url);
            assertThat(body.statusCode()).as(url).isEqualTo(200);
            String sha = FileDigest.sha256Hex(body.body());
            assertThat(sha).as("hash the page announces for " + url).isEqualTo(f.get("hashes").get("sha256").asText());
            out.put(f.get("filename").asText(), sha);
            if (f.get("core-metadata").isObject()) {
                out.put(f.get("filename").asText() + ".metadata", FileDigest.sha256Hex(index.get(url + ".metadata").body()));
            }
        }
        return out;
    }

    /** Waits for the index to show a change: it caches table reads for about a second. */
    private static void awaitIndex(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                fail("The index did not show " + what + " within 5 s");
            }
            Thread.sleep(100);
        }
    }
}
