package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.integrity.StorageInvariants;
import io.pypub.core.integrity.TinyDists;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.retention.ObjectCollector;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The index over both layouts: content-addressed files (file name only in the URL and the
 * Content-Disposition) and records from before the change (per-release keys), which keep serving
 * until an overwrite moves them to blobs and the collector removes the old objects.
 */
class StorageLayoutServingTest {
    private static final Stage DEV = Stage.of("dev");

    @Test
    void servesContentAddressedAndLegacyRecordsAndAnOverwriteMigratesALegacyRelease() throws Exception {
        try (IndexFixture index = new IndexFixture()) {
            var d = index.deployment;
            Path work = TestEnvironment.tempDir("pypub-serving-");
            List<Path> built = TinyDists.make(work, "tiny-pkg", "1.0.0", "a");
            Release blobs = d.pipeline().publishFiles(PublishRequest.builder(work, DEV).docs(false).publishedBy("test").build(), built,
                    PublishLog.SILENT).release();

            // A record as the old layout wrote it: per-release keys, .metadata next to the file.
            StorageLayout layout = d.settings().layout();
            Version old = Version.parse("0.9.0");
            List<Path> oldBuilt = TinyDists.make(work, "tiny-pkg", "0.9.0", "a");
            List<ReleaseFile> oldFiles = new java.util.ArrayList<>();
            for (Path p : oldBuilt) {
                String name = p.getFileName().toString();
                String key = layout.fileKey(DEV, "tiny-pkg", old, name);
                FileDigest digest = d.store().put(key, p, "application/octet-stream");
                String metadataSha = null;
                if (name.endsWith(".whl")) {
                    byte[] metadata = ("Metadata-Version: 2.1\nName: tiny-pkg\nVersion: 0.9.0\n").getBytes();
                    metadataSha = d.store().put(StorageLayout.legacyMetadataKey(key), metadata, "text/plain; charset=utf-8").sha256();
                }
                oldFiles.add(new ReleaseFile(name, key, digest.sha256(), digest.size(), null, Instant.now(), metadataSha,
                        name.endsWith(".whl") ? PackageType.WHEEL : PackageType.SDIST));
            }
            d.versions().record(new Release(DEV, "tiny-pkg", "tiny-pkg", old, oldFiles, null, false, null, "old pipeline", null, null,
                    Instant.now()), false);

            for (Release r : List.of(blobs, d.versions().release(DEV, "tiny-pkg", old).orElseThrow())) {
                for (ReleaseFile f : r.files()) {
                    HttpResponse<byte[]> file = index.get("/dev/files/tiny-pkg/" + r.version() + "/" + f.filename());
                    assertThat(file.statusCode()).isEqualTo(200);
                    assertThat(FileDigest.sha256Hex(file.body())).isEqualTo(f.sha256());
                    // The key carries no file name any more: the download says it.
                    assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"" + f.filename() + "\"");
                    if (f.metadataSha256() != null) {
                        HttpResponse<byte[]> metadata = index.get("/dev/files/tiny-pkg/" + r.version() + "/" + f.filename() + ".metadata");
                        assertThat(metadata.statusCode()).isEqualTo(200);
                        assertThat(FileDigest.sha256Hex(metadata.body())).isEqualTo(f.metadataSha256());
                    }
                }
            }
            assertThat(blobs.files()).allSatisfy(f -> assertThat(f.objectKey()).isEqualTo(layout.blobKey(f.sha256())));

            // Overwriting the legacy release writes blobs; the old objects stay until the collector finds them unreferenced.
            Path rebuilt = TestEnvironment.tempDir("pypub-serving-b-");
            Release migrated = d.pipeline().publishFiles(PublishRequest.builder(rebuilt, DEV).docs(false).overwrite(true)
                    .publishedBy("test").build(), TinyDists.make(rebuilt, "tiny-pkg", "0.9.0", "b"), PublishLog.SILENT).release();
            assertThat(migrated.files()).allSatisfy(f -> assertThat(f.objectKey()).startsWith("blobs/sha256/"));
            assertThat(d.s3Snapshot().keySet()).contains(oldFiles.get(0).objectKey());
            // Right after the swap an index may still serve its cached record: the old bytes, intact, since
            // nothing replaced them; once the cache interval is over, the new ones.
            HttpResponse<byte[]> cached = index.get("/dev/files/tiny-pkg/0.9.0/" + migrated.files().get(0).filename());
            assertThat(cached.statusCode()).isEqualTo(200);
            assertThat(FileDigest.sha256Hex(cached.body())).isIn(oldFiles.get(0).sha256(), migrated.files().get(0).sha256());
            Thread.sleep(1600);
            HttpResponse<byte[]> fresh = index.get("/dev/files/tiny-pkg/0.9.0/" + migrated.files().get(0).filename());
            assertThat(FileDigest.sha256Hex(fresh.body())).isEqualTo(migrated.files().get(0).sha256());
            var swept = ObjectCollector.on(d.clients()).sweep(Duration.ZERO, false, List.of(), "test", PublishLog.SILENT);
            assertThat(swept.collected()).extracting(c -> c.key()).containsExactlyInAnyOrder(oldFiles.get(0).objectKey(),
                    oldFiles.get(1).objectKey(), StorageLayout.legacyMetadataKey(oldFiles.get(1).objectKey()));
            HttpResponse<byte[]> now = index.get("/dev/files/tiny-pkg/0.9.0/" + migrated.files().get(0).filename());
            assertThat(FileDigest.sha256Hex(now.body())).isEqualTo(migrated.files().get(0).sha256());
            assertThat(new StorageInvariants(d.versions(), d.store()).violations()).isEmpty();
            assertThat(Files.exists(work)).isTrue();
        }
    }
}
