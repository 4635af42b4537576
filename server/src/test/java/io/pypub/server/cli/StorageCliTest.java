package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.integrity.TinyDists;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `pypub gc` and `pypub restore --dry-run` as a user runs them. */
class StorageCliTest {
    private static final Stage DEV = Stage.of("dev");
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
        return InProcessCli.run(out, err, null, InProcessCli.on(d, args));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void gcAndRestoreDryRunsShowFirstAndRestoreNeverResurrectsARecordWhoseObjectsAreGone() throws Exception {
        Path folder = TestEnvironment.tempDir("pypub-cli-import-");
        for (String v : List.of("1.0.0", "1.1.0")) {
            for (Path p : TinyDists.make(folder.resolve("build"), "tiny-pkg", v, "a")) {
                Files.copy(p, folder.resolve(p.getFileName()));
            }
        }
        assertThat(pypub("import", folder.toString(), "--stage", "dev")).as(err.toString()).isZero();
        assertThat(pypub("backup", "--key", "backups/before.jsonl")).isZero();
        assertThat(pypub("prune", "--stage", "dev", "--keep", "1")).isZero();
        assertThat(d.versions().release(DEV, "tiny-pkg", Version.parse("1.0.0"))).isEmpty();

        // The collector: a grace period shorter than an hour is refused; a dry run lists, deletes nothing.
        assertThat(pypub("gc", "--grace-hours", "0")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: --grace-hours must be at least 1").doesNotContain("\tat ");
        var s3 = d.s3Snapshot();
        assertThat(pypub("gc", "--dry-run")).isZero();
        assertThat(stdout()).contains("Dry run: would delete 0 unreferenced objects").contains("3 unreferenced for less than the grace period");
        assertThat(d.s3Snapshot()).isEqualTo(s3);

        // What a collection after the grace period does to the pruned release's objects.
        var backupRelease = new io.pypub.core.retention.TableBackup(d.clients().dynamo(), d.clients().s3())
                .releases(d.settings().bucket(), "backups/before.jsonl").stream()
                .filter(r -> r.version().normalized().equals("1.0.0")).findFirst().orElseThrow();
        for (ReleaseFile f : backupRelease.files()) {
            d.store().delete(f.objectKey());
        }

        var table = d.tableSnapshot();
        assertThat(pypub("restore", "--key", "backups/before.jsonl", "--dry-run")).isEqualTo(1);
        assertThat(stdout()).contains("would skip dev/tiny-pkg 1.0.0: tiny_pkg-1.0.0.tar.gz is gone")
                .contains("would restore dev/tiny-pkg 1.1.0").contains("Dry run: would restore");
        assertThat(d.tableSnapshot()).isEqualTo(table);

        assertThat(pypub("restore", "--key", "backups/before.jsonl")).isEqualTo(1);
        assertThat(stdout()).contains("skipped dev/tiny-pkg 1.0.0: tiny_pkg-1.0.0.tar.gz is gone");
        assertThat(d.versions().release(DEV, "tiny-pkg", Version.parse("1.0.0"))).isEmpty();
        assertThat(d.versions().latest(DEV, "tiny-pkg").orElseThrow().version()).isEqualTo("1.1.0");

        assertThat(pypub("restore", "--key", "backups/missing.jsonl")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: There is no backup s3://");
    }
}
