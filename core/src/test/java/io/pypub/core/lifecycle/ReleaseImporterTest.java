package io.pypub.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PackageBuilder;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.integrity.TinyDists;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.ExampleVersions;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.util.FileTrees;
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

    @Test
    void aParallelImportOfManyProjectsRecordsEveryFileExactlyOnceAsASerialOneDoes() throws Exception {
        Path folder = TestEnvironment.tempDir("pypub-import-many-");
        List<String> projects = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
        List<String> versions = List.of("1.0", "1.1", "2.0");
        Map<String, Path> local = new HashMap<>();
        for (String project : projects) {
            for (String version : versions) {
                for (Path p : TinyDists.make(folder.resolve("build"), project, version, "a")) {
                    local.put(p.getFileName().toString(), copy(p, folder.resolve("files")));
                }
            }
        }
        Files.write(folder.resolve("files/zulu-1.0.tar.gz"), new byte[] {1, 2, 3});
        Files.write(folder.resolve("files/broken-1.0.tar.gz"), new byte[] {4, 5, 6});
        Path files = folder.resolve("files");

        RecordingLog log = new RecordingLog();
        ImportResult parallel = ReleaseImporter.on(deployment.clients(), 4).importFolder(files, LEGACY, "migration", log);

        assertThat(parallel.uploaded()).isEqualTo(36);
        assertThat(parallel.releasesRecorded()).isEqualTo(18);
        // Skipped in the order of the folder, whatever finished first.
        assertThat(parallel.skipped()).hasSize(2);
        assertThat(parallel.skipped().get(0)).startsWith("broken-1.0.tar.gz: ");
        assertThat(parallel.skipped().get(1)).startsWith("zulu-1.0.tar.gz: ");
        List<String> progress = log.lines.stream().filter(l -> l.matches("\\[\\d+/36] .*: uploaded .*")).toList();
        assertThat(progress).hasSize(36);
        assertThat(progress.stream().map(l -> l.substring(1, l.indexOf('/')))).doesNotHaveDuplicates();
        for (String project : projects) {
            List<Release> releases = deployment.versions().releases(LEGACY, project);
            assertThat(releases).extracting(r -> r.version().normalized()).containsExactlyInAnyOrderElementsOf(versions);
            for (Release r : releases) {
                assertThat(r.files()).extracting(ReleaseFile::packageType).containsExactly(PackageType.SDIST, PackageType.WHEEL);
                for (ReleaseFile f : r.files()) {
                    assertThat(f.sha256()).isEqualTo(FileDigest.of(local.get(f.filename())).sha256());
                    try (InputStream in = deployment.store().open(f.objectKey())) {
                        assertThat(FileDigest.of(in).sha256()).isEqualTo(f.sha256());
                    }
                }
            }
            assertThat(deployment.versions().latest(LEGACY, project).orElseThrow().version()).isEqualTo("2.0");
        }

        // Again, in parallel: nothing to do, nothing written.
        var s3 = deployment.s3Snapshot();
        var table = deployment.tableSnapshot();
        ImportResult again = ReleaseImporter.on(deployment.clients(), 4).importFolder(files, LEGACY, "migration", new RecordingLog());
        assertThat(again.uploaded()).isZero();
        assertThat(again.alreadyPresent()).isEqualTo(36);
        assertThat(again.skipped()).isEqualTo(parallel.skipped());
        assertThat(deployment.s3Snapshot()).isEqualTo(s3);
        assertThat(deployment.tableSnapshot()).isEqualTo(table);

        // One at a time into another stage: the same records and the same summary.
        Stage serialStage = Stage.of("serial");
        ImportResult serial = ReleaseImporter.on(deployment.clients(), 1).importFolder(files, serialStage, "migration", new RecordingLog());
        assertThat(serial.message().replace("'serial'", "'legacy'")).isEqualTo(parallel.message());
        assertThat(serial.skipped()).isEqualTo(parallel.skipped());
        for (String project : projects) {
            assertThat(files(serialStage, project)).isEqualTo(files(LEGACY, project));
        }
    }

    @Test
    void aReleaseThatFailsToRecordStopsTheImportWithoutHalfWritingAnyOtherAndARerunFinishesIt() throws Exception {
        Path files = TestEnvironment.tempDir("pypub-import-failing-");
        List<String> projects = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
        for (String project : projects) {
            for (String version : List.of("1.0", "2.0")) {
                TinyDists.make(files.resolve("build"), project, version, "a").forEach(p -> uncheckedCopy(p, files));
            }
        }
        // DynamoDB refuses an item over 400 KB: this release's record fails, as a storage error would.
        Path oversized = sdistWithSummary(files, "p4bad", "1.0", "x".repeat(420_000));
        FileTrees.deleteQuietly(files.resolve("build"));

        assertThatThrownBy(() -> ReleaseImporter.on(deployment.clients(), 4).importFolder(files, LEGACY, "migration",
                new RecordingLog())).hasMessageContaining("p4bad");

        // Whatever was recorded is whole: both files of a release, bytes in S3 as recorded; the failed one is absent.
        int recorded = 0;
        for (String project : projects) {
            for (Release r : deployment.versions().releases(LEGACY, project)) {
                recorded++;
                assertThat(r.files()).hasSize(2);
                for (ReleaseFile f : r.files()) {
                    try (InputStream in = deployment.store().open(f.objectKey())) {
                        assertThat(FileDigest.of(in).sha256()).isEqualTo(f.sha256());
                    }
                }
            }
        }
        assertThat(deployment.versions().releases(LEGACY, "p4bad")).isEmpty();

        // Without the bad file, a second run imports exactly what is missing.
        Files.delete(oversized);
        ImportResult rerun = ReleaseImporter.on(deployment.clients(), 4).importFolder(files, LEGACY, "migration", new RecordingLog());
        assertThat(rerun.skipped()).isEmpty();
        assertThat(rerun.alreadyPresent()).isEqualTo(recorded * 2);
        assertThat(rerun.uploaded()).isEqualTo(32 - recorded * 2);
        for (String project : projects) {
            assertThat(deployment.versions().releases(LEGACY, project)).hasSize(2).allSatisfy(r -> assertThat(r.files()).hasSize(2));
        }
    }

    private List<String> files(Stage stage, String project) {
        return deployment.versions().releases(stage, project).stream().sorted(Comparator.comparing(Release::version))
                .flatMap(r -> r.files().stream()).map(ReleaseImporterTest::describe).toList();
    }

    private static String describe(ReleaseFile f) {
        return f.filename() + " " + f.sha256() + " " + f.objectKey() + " " + f.metadataSha256();
    }

    /** An sdist with a summary of the given text (its own metadata, so it inspects as valid). */
    private static Path sdistWithSummary(Path dir, String project, String version, String summary) throws Exception {
        Path sdist = dir.resolve(project + "-" + version + ".tar.gz");
        byte[] metadata = ("Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\nSummary: " + summary + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var out = Files.newOutputStream(sdist);
                var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                        new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(out))) {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(project + "-" + version + "/PKG-INFO");
            entry.setSize(metadata.length);
            tar.putArchiveEntry(entry);
            tar.write(metadata);
            tar.closeArchiveEntry();
        }
        return sdist;
    }

    private static void uncheckedCopy(Path file, Path dir) {
        try {
            copy(file, dir);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
