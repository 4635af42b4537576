package io.pypub.core.lifecycle;

import static io.pypub.core.lifecycle.Releases.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.ReleaseStateException;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.storage.StoredObject;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Promotion between stages on real S3 and DynamoDB API servers, with a key prefix. */
class ReleasePromoterTest {
    private static final Stage TEST = Stage.of("test");
    private static final Stage PROD = Stage.of("prod");
    private static int counter;

    private final TestEnvironment env = TestEnvironment.get();
    private Deployment deployment;
    private S3ArtifactStore store;
    private StorageLayout layout;
    private ReleasePromoter promoter;
    private AuditCapture audit;

    @BeforeEach
    void setUp() {
        // A deployment with a key prefix, so the test also proves keys are derived from the layout.
        String id = "promote-" + ProcessHandle.current().pid() + "-" + (++counter);
        AwsSettings settings = env.aws().settings("pypub-" + id, "team-a/", "versions-" + id, "access-" + id);
        var clients = env.aws().clients(settings);
        new StorageProvisioner(clients).ensureAll();
        deployment = new Deployment(settings, clients);
        store = deployment.store();
        layout = settings.layout();
        promoter = ReleasePromoter.on(clients);
        audit = new AuditCapture();
    }

    @AfterEach
    void tearDown() {
        audit.close();
        deployment.close();
    }

    /** Uploads a release's objects (and docs) the way a publish does and records it. */
    private Release published(Stage stage, String version, String flavour, boolean withDocs) {
        Version v = Version.parse(version);
        List<ReleaseFile> files = new ArrayList<>();
        for (PackageType type : PackageType.values()) {
            String filename = type == PackageType.SDIST ? "hello_package-" + v + ".tar.gz" : "hello_package-" + v + "-py3-none-any.whl";
            byte[] bytes = (flavour + " bytes of " + filename).getBytes(StandardCharsets.UTF_8);
            String key = layout.blobKey(FileDigest.of(bytes).sha256());
            FileDigest d = store.put(key, bytes, "application/octet-stream");
            String metadataSha = null;
            if (type == PackageType.WHEEL) {
                byte[] metadata = ("Metadata-Version: 2.1\nName: hello-package\nVersion: " + v + "\n").getBytes(StandardCharsets.UTF_8);
                metadataSha = store.put(layout.blobKey(FileDigest.of(metadata).sha256()), metadata, "text/plain; charset=utf-8").sha256();
            }
            files.add(new ReleaseFile(filename, key, d.sha256(), d.size(), ">=3.9", Instant.parse("2024-05-01T10:00:00Z"),
                    metadataSha, type));
        }
        String docsPrefix = null;
        if (withDocs) {
            docsPrefix = layout.newDocsPrefix(stage, PROJECT, v);
            store.put(docsPrefix + "index.html", "<html>docs</html>".getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
            store.put(docsPrefix + "hello_package.html", "<html>module</html>".getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
            store.put(docsPrefix + "search.js", "var x;".getBytes(StandardCharsets.UTF_8), "text/javascript");
        }
        Release r = new Release(stage, PROJECT, "hello-package", v, files, docsPrefix, false, null, "https://jenkins/job/lib/41/",
                "abc123", "A tiny example", Instant.now());
        deployment.versions().record(r, false);
        return r;
    }

    private String sha256Of(String key) throws Exception {
        try (InputStream in = store.open(key)) {
            return FileDigest.of(in).sha256();
        }
    }

    @Test
    void recordsTheReleaseInTheTargetStageOverTheVeryObjectsOfTheSourceCopyingNothing() throws Exception {
        Release source = published(TEST, "1.2.0", "tested", true);
        RecordingLog log = new RecordingLog();
        Map<String, String> s3Before = deployment.s3Snapshot();

        PromotionResult result = promoter.promote("Hello.Package", "1.2", TEST, PROD, "https://jenkins/job/release/3/", log);

        assertThat(result.changed()).isTrue();
        assertThat(result.docsFiles()).isEqualTo(3);
        // Nothing was written to S3: the target record references the source record's objects.
        assertThat(deployment.s3Snapshot()).isEqualTo(s3Before);
        Release promoted = deployment.versions().release(PROD, PROJECT, Version.parse("1.2.0")).orElseThrow();
        assertThat(promoted.files()).extracting(ReleaseFile::objectKey)
                .containsExactlyElementsOf(source.files().stream().map(ReleaseFile::objectKey).toList())
                .allSatisfy(k -> assertThat(k).matches("team-a/blobs/sha256/[0-9a-f]{2}/[0-9a-f]{64}"));
        for (int i = 0; i < source.files().size(); i++) {
            ReleaseFile from = source.files().get(i);
            ReleaseFile to = promoted.files().get(i);
            assertThat(to.sha256()).isEqualTo(from.sha256());
            assertThat(to.size()).isEqualTo(from.size());
            assertThat(to.uploadTime()).isEqualTo(from.uploadTime());
            assertThat(sha256Of(to.objectKey())).isEqualTo(from.sha256());
            assertThat(store.head(to.objectKey()).map(StoredObject::sha256)).contains(from.sha256());
            if (from.metadataSha256() != null) {
                assertThat(sha256Of(StorageLayout.metadataKey(to))).isEqualTo(from.metadataSha256());
            }
        }
        assertThat(promoted.docsPrefix()).isEqualTo(source.docsPrefix()).startsWith("team-a/docs/test/hello-package/1.2.0/");
        assertThat(store.head(promoted.docsPrefix() + "search.js").orElseThrow().contentType()).isEqualTo("text/javascript");
        assertThat(store.head(promoted.docsPrefix() + "index.html").orElseThrow().contentType())
                .isEqualTo("text/html; charset=utf-8");
        assertThat(promoted.publishedBy()).isEqualTo("https://jenkins/job/release/3/");
        assertThat(promoted.sourceRevision()).isEqualTo("abc123");
        assertThat(promoted.summary()).isEqualTo("A tiny example");
        assertThat(deployment.versions().promotedFrom(PROD, PROJECT, Version.parse("1.2.0"))).contains(TEST);
        assertThat(deployment.versions().promotedFrom(TEST, PROJECT, Version.parse("1.2.0"))).isEmpty();
        assertThat(deployment.versions().latest(PROD, PROJECT).orElseThrow().version()).isEqualTo("1.2.0");
        assertThat(log.text()).contains("the target record references the same objects");
        assertThat(result.message()).contains("the same objects (nothing copied)");
        assertThat(audit.last()).containsEntry("operation", "promote").containsEntry("from", "test").containsEntry("to", "prod")
                .containsEntry("actor", "https://jenkins/job/release/3/").containsEntry("outcome", "ok");
    }

    @Test
    void promotingAgainIsANoOp() {
        published(TEST, "1.0", "tested", false);
        promoter.promote(PROJECT, "1.0", TEST, PROD, "alice", new RecordingLog());
        Map<String, String> s3 = deployment.s3Snapshot();
        var table = deployment.tableSnapshot();

        PromotionResult again = promoter.promote(PROJECT, "1.0", TEST, PROD, "bob", new RecordingLog());

        assertThat(again.changed()).isFalse();
        assertThat(again.message()).contains("already is in stage 'prod' with identical bytes");
        assertThat(deployment.s3Snapshot()).isEqualTo(s3);
        assertThat(deployment.tableSnapshot()).isEqualTo(table);
        assertThat(audit.last()).containsEntry("actor", "bob").containsEntry("outcome", "unchanged");
    }

    @Test
    void refusedWhenTheTargetHasThatVersionWithDifferentBytesAndNothingChanges() {
        published(TEST, "1.0", "tested", true);
        published(PROD, "1.0", "hotfixed in prod", false);
        Map<String, String> s3 = deployment.s3Snapshot();
        var table = deployment.tableSnapshot();

        assertThatThrownBy(() -> promoter.promote(PROJECT, "1.0", TEST, PROD, "alice", new RecordingLog()))
                .isInstanceOf(ReleaseStateException.class)
                .hasMessageContaining("hello-package 1.0 already exists in stage 'prod' with different bytes")
                .hasMessageContaining("hello_package-1.0.tar.gz: sha256 ")
                .hasMessageContaining("Nothing was copied or recorded.");
        assertThat(deployment.s3Snapshot()).isEqualTo(s3);
        assertThat(deployment.tableSnapshot()).isEqualTo(table);
        assertThat(audit.last()).containsEntry("outcome", "refused");
    }

    @Test
    void refusesYankedUnknownOrSameStageSourcesAndChangesNothing() {
        published(TEST, "1.0", "tested", false);
        published(TEST, "1.1", "tested", false);
        new ReleaseLifecycle(deployment.versions()).yank(TEST, PROJECT, "1.1", "flaky", "alice");
        Map<String, String> s3 = deployment.s3Snapshot();
        var table = deployment.tableSnapshot();

        assertThatThrownBy(() -> promoter.promote(PROJECT, "1.1", TEST, PROD, "alice", new RecordingLog()))
                .hasMessageContaining("hello-package 1.1 is yanked in stage 'test' (flaky): a yanked release is not promoted");
        assertThatThrownBy(() -> promoter.promote(PROJECT, "2.0", TEST, PROD, "alice", new RecordingLog()))
                .hasMessage("hello-package 2.0 is not published in stage 'test' (published there: 1.0, 1.1).");
        assertThatThrownBy(() -> promoter.promote("other", "1.0", TEST, PROD, "alice", new RecordingLog()))
                .hasMessage("There is no project 'other' in stage 'test': check the name and --from.");
        assertThatThrownBy(() -> promoter.promote(PROJECT, "1.0", TEST, TEST, "alice", new RecordingLog()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two different stages");
        assertThatThrownBy(() -> promoter.promote(PROJECT, "1.0", TEST, PROD, null, new RecordingLog()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an actor");

        assertThat(deployment.s3Snapshot()).isEqualTo(s3);
        assertThat(deployment.tableSnapshot()).isEqualTo(table);
    }

    @Test
    void aSourceObjectThatNoLongerMatchesItsRecordIsNotPromoted() {
        Release source = published(TEST, "1.0", "tested", false);
        // Someone replaced the tested sdist in place, outside pypub: its bytes no longer match what the release recorded.
        store.put(source.files().get(0).objectKey(), "tampered".getBytes(StandardCharsets.UTF_8), "application/octet-stream");

        assertThatThrownBy(() -> promoter.promote(PROJECT, "1.0", TEST, PROD, "alice", new RecordingLog()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("did not verify")
                .hasMessageContaining("nothing was recorded");
        assertThat(deployment.versions().release(PROD, PROJECT, Version.parse("1.0"))).isEmpty();
        assertThat(deployment.versions().projects(PROD)).isEmpty();
        assertThat(audit.last()).containsEntry("outcome", "failed");
    }

    @Test
    void promotingIntoAStageWithAPinnedLatestKeepsThePin() {
        published(TEST, "1.0", "tested", false);
        published(TEST, "1.1", "tested", false);
        promoter.promote(PROJECT, "1.0", TEST, PROD, "alice", new RecordingLog());
        new ReleaseLifecycle(deployment.versions()).rollback(PROD, PROJECT, "1.0", "freeze for audit", "alice");

        PromotionResult result = promoter.promote(PROJECT, "1.1", TEST, PROD, "alice", new RecordingLog());

        assertThat(result.latest().pinned()).isTrue();
        assertThat(result.message()).contains("latest in 'prod' stays pinned to 1.0 (freeze for audit)");
        assertThat(deployment.versions().latest(PROD, PROJECT).orElseThrow().version()).isEqualTo("1.0");
        assertThat(deployment.versions().release(PROD, PROJECT, Version.parse("1.1"))).isPresent();
    }
}
