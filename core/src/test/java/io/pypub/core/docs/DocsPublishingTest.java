package io.pypub.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.error.PublishException;
import io.pypub.core.python.CommandRunner;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** pdoc from the test venv and the local S3 server, on the example project's real wheel. */
class DocsPublishingTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final TestEnvironment env = TestEnvironment.get();
    private static Path helloWheel;

    @TempDir
    Path tmp;
    private Deployment deployment;

    @BeforeAll
    static void buildExampleWheel(@TempDir Path shared) {
        Path project = env.copyOfExample("hello-package");
        Path dist = shared.resolve("dist");
        var result = new LocalCommandRunner().run(
                List.of(python(), "-m", "build", "--wheel", "--no-isolation", "--outdir", dist.toString(), project.toString()),
                project, Map.of(), TIMEOUT, line -> {});
        assertThat(result.ok()).as(result.tailText()).isTrue();
        helloWheel = dist.resolve("hello_package-0.1.0-py3-none-any.whl");
        assertThat(helloWheel).exists();
    }

    @BeforeEach
    void setUp() {
        deployment = env.newDeployment();
    }

    @AfterEach
    void tearDown() {
        deployment.close();
    }

    private static String python() {
        return env.python().python().toString();
    }

    @Test
    void documentsTheWheelAndUploadsEveryFileWithItsContentType() throws Exception {
        RecordingLog log = new RecordingLog();
        assertThat(DocsModules.detect(helloWheel)).containsExactly("hello_package");

        GeneratedDocs docs = new DocsGenerator(new LocalCommandRunner())
                .generate(helloWheel, null, tmp.resolve("html"), python(), TIMEOUT, log);

        assertThat(docs.modules()).containsExactly("hello_package");
        assertThat(docs.dir().resolve("index.html")).isRegularFile();
        assertThat(docs.dir().resolve("hello_package.html")).isRegularFile();
        String page = Files.readString(docs.dir().resolve("hello_package.html"));
        assertThat(page).contains("greet").contains("Return a friendly greeting");
        assertThat(Files.readString(docs.dir().resolve("index.html"))).contains("hello_package");
        List<String> local = relativeFiles(docs.dir());
        assertThat(local).hasSize(docs.files()).contains("index.html", "hello_package.html");

        UploadedDocs uploaded = new DocsUploader(deployment.store(), deployment.settings().layout())
                .upload(docs.dir(), DEV, "hello-package", Version.parse("0.1.0"), log);

        // One prefix per publish below the version's folder, so no publish writes into docs a record references.
        String prefix = uploaded.prefix();
        assertThat(prefix).matches("docs/dev/hello-package/0\\.1\\.0/[0-9a-f]{16}/");
        assertThat(uploaded.files()).isEqualTo(local.size());
        long localBytes = 0;
        for (String f : local) {
            localBytes += Files.size(docs.dir().resolve(f));
        }
        assertThat(uploaded.bytes()).isEqualTo(localBytes);

        var s3 = deployment.clients().s3();
        String bucket = deployment.settings().bucket();
        Map<String, String> typesByKey = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(o.key()));
            typesByKey.put(o.key(), head.contentType());
        }
        Map<String, String> expected = new TreeMap<>();
        for (String f : local) {
            expected.put(prefix + f, ContentTypes.forFileName(f));
        }
        assertThat(typesByKey).isEqualTo(expected);
        assertThat(typesByKey).containsEntry(prefix + "index.html", "text/html; charset=utf-8")
                .containsEntry(prefix + "hello_package.html", "text/html; charset=utf-8");
        if (local.contains("search.js")) {
            assertThat(typesByKey).containsEntry(prefix + "search.js", "text/javascript; charset=utf-8");
        }

        assertThat(log.text()).contains("Generating API docs: " + python() + " -m pdoc -o ")
                .contains("uploaded " + local.size() + "/" + local.size() + " docs files");
    }

    @Test
    void aWheelWithAPathTraversalEntryIsRefusedBeforePdocRuns() throws Exception {
        Path wheel = Zips.write(tmp.resolve("evil-1.0-py3-none-any.whl"),
                Map.of("evil/__init__.py", "", "../evil.py", "print('escaped')"));
        CommandRunner mustNotRun = (cmd, dir, environment, timeout, out) -> {
            throw new AssertionError("pdoc must not run for a refused wheel");
        };
        Path out = tmp.resolve("html");

        assertThatThrownBy(() -> new DocsGenerator(mustNotRun).generate(wheel, null, out, python(), TIMEOUT, new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("evil-1.0-py3-none-any.whl contains an unsafe entry '../evil.py'")
                .hasMessageContaining("refusing to unpack it");
        assertThat(Path.of(System.getProperty("java.io.tmpdir"), "evil.py")).doesNotExist();
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void aPackageThatFailsToImportShowsTheTailOfPdocsOutput() throws Exception {
        Path wheel = Zips.write(tmp.resolve("boom-1.0-py3-none-any.whl"),
                Map.of("boom/__init__.py", "raise RuntimeError('kaboom at import time')\n"));

        assertThatThrownBy(() -> new DocsGenerator(new LocalCommandRunner())
                .generate(wheel, null, tmp.resolve("html"), python(), TIMEOUT, new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageStartingWith("pdoc failed (exit 1): RuntimeError: kaboom at import time")
                .hasMessageContaining("Last lines of pdoc's output:");
    }

    @Test
    void aBrokenSubmoduleFailsTheRunAndNamesTheRootCause() throws Exception {
        Path wheel = Zips.write(tmp.resolve("partial-1.0-py3-none-any.whl"), Map.of(
                "partial/__init__.py", "",
                "partial/broken.py", "raise ValueError('broken submodule')\n"));

        assertThatThrownBy(() -> new DocsGenerator(new LocalCommandRunner())
                .generate(wheel, null, tmp.resolve("html"), python(), TIMEOUT, new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageStartingWith("pdoc failed (exit 1): ValueError: broken submodule");
    }

    @Test
    void pdocWarningsReachTheLogAsWarnings() throws Exception {
        Path wheel = Zips.write(tmp.resolve("loose-1.0-py3-none-any.whl"), Map.of(
                "loose/__init__.py", "__all__ = ['ok', 'no_such_name']\n\ndef ok():\n    \"\"\"Works.\"\"\"\n"));
        RecordingLog log = new RecordingLog();

        GeneratedDocs docs = new DocsGenerator(new LocalCommandRunner())
                .generate(wheel, null, tmp.resolve("html"), python(), TIMEOUT, log);

        assertThat(docs.dir().resolve("loose.html")).isRegularFile();
        assertThat(log.lines).anySatisfy(l -> assertThat(l)
                .startsWith("WARNING: pdoc: Found 'no_such_name' in loose.__all__, but it does not resolve"));
    }

    @Test
    void aMissingDependencyIsNamed() throws Exception {
        Path wheel = Zips.write(tmp.resolve("needy-1.0-py3-none-any.whl"),
                Map.of("needy/__init__.py", "import surely_not_installed_dependency\n"));

        assertThatThrownBy(() -> new DocsGenerator(new LocalCommandRunner())
                .generate(wheel, null, tmp.resolve("html"), python(), TIMEOUT, new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("could not import module 'surely_not_installed_dependency'")
                .hasMessageContaining("dependencies must be installed");
    }

    @Test
    void pdocMissingFromTheInterpreterSaysHowToInstallIt() {
        CommandRunner noPdoc = (cmd, dir, environment, timeout, out) -> {
            out.accept("/usr/bin/python3: No module named pdoc");
            return new CommandRunner.CommandResult(1, List.of("/usr/bin/python3: No module named pdoc"), false);
        };

        assertThatThrownBy(() -> new DocsGenerator(noPdoc)
                .generate(helloWheel, null, tmp.resolve("html"), "/usr/bin/python3", TIMEOUT, new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessage("pdoc is not installed for /usr/bin/python3. Install it with: /usr/bin/python3 -m pip install pdoc==16.0.0");
    }

    @Test
    void passesValidatedModulesAndTheUnpackedWheelToPdoc() throws Exception {
        List<List<String>> commands = new ArrayList<>();
        List<Map<String, String>> envs = new ArrayList<>();
        CommandRunner fake = (cmd, dir, environment, timeout, out) -> {
            commands.add(cmd);
            envs.add(environment);
            Path site = Path.of(environment.get("PYTHONPATH"));
            assertThat(site.resolve("hello_package/__init__.py")).isRegularFile();
            assertThat(dir).isEmptyDirectory(); // so nothing in the working folder shadows the wheel
            try {
                Files.writeString(Path.of(cmd.get(4)).resolve("hello_package.html"), "<html>greet</html>");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return new CommandRunner.CommandResult(0, List.of(), false);
        };

        GeneratedDocs docs = new DocsGenerator(fake)
                .generate(helloWheel, List.of("hello_package"), tmp.resolve("html"), "py", TIMEOUT, new RecordingLog());

        assertThat(commands).singleElement()
                .isEqualTo(List.of("py", "-m", "pdoc", "-o", tmp.resolve("html").toString(), "hello_package"));
        assertThat(docs.files()).isEqualTo(1);
        assertThat(Path.of(envs.get(0).get("PYTHONPATH"))).doesNotExist(); // the unpacked wheel is cleaned up
    }

    @Test
    void refusesANonEmptyOutputFolder() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("html"));
        Files.writeString(out.resolve("stale.html"), "old");

        assertThatThrownBy(() -> new DocsGenerator(new LocalCommandRunner())
                .generate(helloWheel, null, out, python(), TIMEOUT, new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("is not empty");
    }

    @Test
    void uploaderRefusesSymbolicLinks() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(dir.resolve("index.html"), "<html></html>");
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not for publishing");
        Files.createSymbolicLink(dir.resolve("secret.txt"), outside);

        assertThatThrownBy(() -> new DocsUploader(deployment.store(), deployment.settings().layout())
                .upload(dir, DEV, "hello-package", Version.parse("0.1.0"), new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("symbolic link, secret.txt");
        assertThat(deployment.s3Snapshot()).isEmpty();
    }

    @Test
    void uploadsNestedFoldersWithSlashKeysInParallel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("site"));
        for (int i = 0; i < 25; i++) {
            Path f = dir.resolve("pkg/sub" + (i % 3) + "/page" + i + ".html");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "<p>" + i + "</p>");
        }
        Files.write(dir.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        RecordingLog log = new RecordingLog();

        UploadedDocs up = new DocsUploader(deployment.store(), deployment.settings().layout(), 4)
                .upload(dir, DEV, "hello-package", Version.parse("1.0"), log);

        assertThat(up.files()).isEqualTo(26);
        String prefix = up.prefix();
        assertThat(prefix).startsWith("docs/dev/hello-package/1.0/");
        assertThat(deployment.s3Snapshot().keySet()).hasSize(26)
                .contains(prefix + "pkg/sub1/page1.html", prefix + "logo.png");
        assertThat(deployment.store().head(prefix + "logo.png").orElseThrow().contentType()).isEqualTo("image/png");
        assertThat(log.lines).filteredOn(l -> l.startsWith("uploaded ")).contains("uploaded 26/26 docs files").hasSizeLessThanOrEqualTo(10);
    }

    private static List<String> relativeFiles(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }
}
