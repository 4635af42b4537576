package io.pypub.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PackageBuilder;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.ExampleVersions;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Importing a folder of existing sdists and wheels, twice, with real builds on real S3/DynamoDB servers. */
class ReleaseImporterTest {
    private static final Stage LEGACY = Stage.of("legacy");
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment deployment;
    private ReleaseImporter importer;

    @BeforeEach
    void setUp() {
        deployment = env.newDeployment();
        importer = ReleaseImporter.on(deployment.clients());
    }

    @AfterEach
    void tearDown() {
        deployment.close();
    }

    private List<Path> build(String version, String greeting) throws Exception {
        Path out = TestEnvironment.tempDir("pypub-import-build-");
        return new PackageBuilder(new LocalCommandRunner()).build(ExampleVersions.helloPackage(env, version, greeting), out,
                env.python().python().toString(), true, false, Duration.ofMinutes(5), new RecordingLog());
    }

    private static Path copy(Path file, Path dir) throws Exception {
        Files.createDirectories(dir);
        return Files.copy(file, dir.resolve(file.getFileName()));
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean isWheel(Path p) {
        return p.getFileName().toString().endsWith(".whl");
    }

    @Test
    void importingAFolderTwiceLeavesExactlyOneRecordPerFileAndAddedWheelsExtendTheirRelease() throws Exception {
        List<Path> v1 = build("0.1.0", null);
        List<Path> v2 = build("0.2.0", null);
        Path folder = TestEnvironment.tempDir("pypub-import-");
        // The sdists first, as an old pypiserver folder might hold them, with some clutter.
        for (Path p : concat(v1, v2)) {
            if (!isWheel(p)) {
                copy(p, folder.resolve("hello-package"));
            }
        }
        Files.writeString(folder.resolve("README.txt"), "not a package");
        Files.write(folder.resolve("broken-1.0.tar.gz"), new byte[] {1, 2, 3});

        RecordingLog log = new RecordingLog();
        ImportResult first = importer.importFolder(folder, LEGACY, "migration", log);

        assertThat(first.uploaded()).isEqualTo(2);
        assertThat(first.releasesRecorded()).isEqualTo(2);
        assertThat(first.skipped()).singleElement().asString().startsWith("broken-1.0.tar.gz: ");
        assertThat(first.message()).contains("Imported 2 files").contains("1 skipped").contains("1 ignored");
        assertThat(first.ignored()).containsExactly("README.txt");
        assertThat(log.text()).contains("[1/2] hello_package-0.1.0.tar.gz: uploaded").contains("[2/2] hello_package-0.2.0.tar.gz: uploaded");
        assertThat(deployment.versions().latest(LEGACY, "hello-package").orElseThrow().version()).isEqualTo("0.2.0");

        // The wheels turn up later (in a subfolder): they join their releases.
        for (Path p : concat(v1, v2)) {
            if (isWheel(p)) {
                copy(p, folder.resolve("wheels"));
            }
        }
        ImportResult second = importer.importFolder(folder, LEGACY, "migration", new RecordingLog());
        assertThat(second.uploaded()).isEqualTo(2);
        assertThat(second.alreadyPresent()).isEqualTo(2);
        assertThat(second.releasesRecorded()).isEqualTo(2);

        // Once more: nothing to do, nothing written.
        var s3 = deployment.s3Snapshot();
        var table = deployment.tableSnapshot();
        ImportResult third = importer.importFolder(folder, LEGACY, "migration", new RecordingLog());
        assertThat(third.uploaded()).isZero();
        assertThat(third.alreadyPresent()).isEqualTo(4);
        assertThat(third.changed()).isFalse();
        assertThat(deployment.s3Snapshot()).isEqualTo(s3);
        assertThat(deployment.tableSnapshot()).isEqualTo(table);

        // Exactly one record per file, grouped by version, each matching the bytes of the local file.
        List<Release> releases = deployment.versions().releases(LEGACY, "hello-package").stream()
                .sorted(Comparator.comparing(Release::version)).toList();
        assertThat(releases).extracting(r -> r.version().normalized()).containsExactly("0.1.0", "0.2.0");
        assertThat(releases).flatExtracting(Release::files).extracting(ReleaseFile::filename).containsExactly(
                "hello_package-0.1.0.tar.gz", "hello_package-0.1.0-py3-none-any.whl",
                "hello_package-0.2.0.tar.gz", "hello_package-0.2.0-py3-none-any.whl");
        Map<String, Path> local = new HashMap<>();
        for (Path p : concat(v1, v2)) {
            local.put(p.getFileName().toString(), p);
        }
        for (Release r : releases) {
            assertThat(r.publishedBy()).isEqualTo("migration");
            assertThat(r.summary()).isEqualTo("A tiny example library published with pypub");
            for (ReleaseFile f : r.files()) {
                assertThat(f.sha256()).isEqualTo(FileDigest.of(local.get(f.filename())).sha256());
                try (InputStream in = deployment.store().open(f.objectKey())) {
                    assertThat(FileDigest.of(in).sha256()).isEqualTo(f.sha256());
                }
                assertThat(f.objectKey()).isEqualTo(deployment.settings().layout().blobKey(f.sha256()));
                assertThat(f.metadataSha256()).isNotNull(); // static metadata: PEP 658 for sdist and wheel
            }
        }
    }

    @Test
    void aFileWithTheNameOfARecordedFileButOtherBytesIsSkippedNotReplaced() throws Exception {
        Path folder = TestEnvironment.tempDir("pypub-import-");
        build("0.1.0", null).forEach(p -> uncheckedCopy(p, folder));
        importer.importFolder(folder, LEGACY, "migration", new RecordingLog());
        var s3 = deployment.s3Snapshot();
        var table = deployment.tableSnapshot();

        Path other = TestEnvironment.tempDir("pypub-import-other-");
        build("0.1.0", "Howdy").forEach(p -> uncheckedCopy(p, other));
        ImportResult result = importer.importFolder(other, LEGACY, "migration", new RecordingLog());

        assertThat(result.uploaded()).isZero();
        assertThat(result.skipped()).hasSize(2).allSatisfy(s -> assertThat(s).contains("releases are immutable"));
        assertThat(deployment.s3Snapshot()).isEqualTo(s3);
        assertThat(deployment.tableSnapshot()).isEqualTo(table);
        assertThat(deployment.versions().release(LEGACY, "hello-package", Version.parse("0.1.0"))).isPresent();

        assertThatThrownBy(() -> importer.importFolder(folder.resolve("missing"), LEGACY, "migration", new RecordingLog()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a folder");
    }

    private static void uncheckedCopy(Path file, Path dir) {
        try {
            copy(file, dir);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
