package io.pypub.core.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.lifecycle.ImportResult;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.retention.ObjectCollector;
import io.pypub.core.retention.PrunePolicy;
import io.pypub.core.retention.ReleasePruner;
import io.pypub.core.retention.TableBackup;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's five problems (and issue 11 item 4) on the embedded S3 and DynamoDB servers, through
 * core's real write paths: concurrent writers of one version, writers interrupted at every step,
 * overwrites and prunes while downloads run, backup and restore around overwrites, prunes and a
 * collection. After each, {@link StorageInvariants} must find nothing.
 */
class StorageIntegrityTest {
    private static final Stage DEV = Stage.of("dev");
    private static final String P = "tiny-pkg";
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private StorageFixture f;

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        f = new StorageFixture(d);
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private void assertNoViolations() {
        assertThat(f.invariants().violations()).isEmpty();
    }

    private static <T> List<Future<T>> together(ExecutorService pool, List<Callable<T>> tasks) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> out = new ArrayList<>();
        for (Callable<T> t : tasks) {
            out.add(pool.submit(() -> {
                start.await();
                return t.call();
            }));
        }
        start.countDown();
        return out;
    }

    private static String sdistSha(List<java.nio.file.Path> dists) {
        return FileDigest.of(dists.get(0)).sha256();
    }

    /** Problems 1 and 2: publishes and imports of one version at once: one wins, the others change nothing. */
    @Test
    void concurrentPublishesAndImportsOfTheSameVersionRecordExactlyOneBuildAndLoseCleanly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Object>> tasks = new ArrayList<>();
            for (String variant : List.of("p1", "p2", "p3")) {
                tasks.add(() -> {
                    try {
                        return f.publish(DEV, P, "2.1.6", variant, false, PublishLog.SILENT);
                    } catch (ReleaseExistsException e) {
                        return e;
                    }
                });
            }
            for (String variant : List.of("i1", "i2", "i3")) {
                tasks.add(() -> f.importFolder(DEV, P, "2.1.6", variant));
            }
            int wins = 0;
            int lost = 0;
            for (Future<Object> result : together(pool, tasks)) {
                Object r = result.get();
                if (r instanceof PublishResult) {
                    wins++;
                } else if (r instanceof ImportResult ir) {
                    if (ir.releasesRecorded() == 1) {
                        wins++;
                    } else {
                        assertThat(ir.skipped()).isNotEmpty();
                        lost++;
                    }
                } else {
                    assertThat((Exception) r).hasMessageContaining("is already published in stage 'dev'");
                    lost++;
                }
            }
            assertThat(wins).isEqualTo(1);
            assertThat(lost).isEqualTo(5);
            Release recorded = d.versions().release(DEV, P, Version.parse("2.1.6")).orElseThrow();
            assertThat(recorded.files()).hasSize(2).allSatisfy(file -> assertThat(file.objectKey()).contains("blobs/sha256/"));
            assertNoViolations();

            // Different versions at once: all of them are recorded, latest is the highest.
            List<Callable<Object>> versions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String v = "3.0." + i;
                versions.add(() -> i2(v));
            }
            for (Future<Object> result : together(pool, versions)) {
                assertThat(result.get()).isNotNull();
            }
            assertThat(d.versions().releases(DEV, P)).hasSize(7);
            assertThat(d.versions().latest(DEV, P).orElseThrow().version()).isEqualTo("3.0.5");
            assertNoViolations();
        } finally {
            pool.shutdownNow();
        }
    }

    private Object i2(String version) {
        return version.endsWith("1") || version.endsWith("4") ? f.importFolder(DEV, P, version, "x")
                : f.publish(DEV, P, version, "x", false, PublishLog.SILENT);
    }

    /** A publish or an overwrite that dies after each upload, before or after its record: never a broken record, no lease to wait for. */
    @Test
    void publishesAndOverwritesInterruptedAtEachStepLeaveRecordsMatchingTheirBytes() {
        f.publish(DEV, P, "1.0.0", "a", false, PublishLog.SILENT);
        // After the sdist upload, after the wheel upload, just before the record transaction, just after it.
        String[] steps = {"Uploaded tiny_pkg-1.", "Uploaded tiny_pkg-1.*whl", "Recording ", "Recorded "};
        String expected = sdistSha(f.dists(P, "1.0.0", "a"));
        int n = 0;
        for (String step : steps) {
            String variant = "b" + (n++);
            RecordingLog dies = new RecordingLog() {
                @Override
                public void info(String message) {
                    super.info(message);
                    boolean wheel = step.endsWith("whl");
                    if (message.startsWith(wheel ? step.substring(0, step.indexOf('*')) : step)
                            && (!step.startsWith("Uploaded") || message.contains(".whl") == wheel)) {
                        throw new IllegalStateException("killed at: " + step);
                    }
                }
            };
            assertThatThrownBy(() -> f.publish(DEV, P, "1.0.0", variant, true, dies)).hasMessageContaining("killed at");
            assertNoViolations();
            Release now = d.versions().release(DEV, P, Version.parse("1.0.0")).orElseThrow();
            if (step.equals("Recorded ")) {
                expected = sdistSha(f.dists(P, "1.0.0", variant));
            }
            assertThat(now.files().get(0).sha256()).as("after dying at '%s'", step).isEqualTo(expected);

            // A new version dying at the same step: no record at all, or a complete one.
            String v = "1.1." + n;
            assertThatThrownBy(() -> f.publish(DEV, P, v, "c", false, dies)).hasMessageContaining("killed at");
            assertThat(d.versions().release(DEV, P, Version.parse(v)).isPresent()).isEqualTo(step.equals("Recorded "));
            assertNoViolations();
        }
        // No lease blocks the repair: the overwrite runs again at once.
        f.publish(DEV, P, "1.0.0", "z", true, PublishLog.SILENT);
        assertThat(d.versions().release(DEV, P, Version.parse("1.0.0")).orElseThrow().files().get(0).sha256())
                .isEqualTo(sdistSha(f.dists(P, "1.0.0", "z")));
        assertNoViolations();
    }

    /** Problem 3: downloads during overwrites always get the bytes their record states. */
    @Test
    void overwritesRacingDownloadsNeverServeBytesThatDisagreeWithTheRecord() throws Exception {
        f.publish(DEV, P, "1.0.0", "v0", false, PublishLog.SILENT);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger downloads = new AtomicInteger();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        // What a page (possibly cached) says, then the download it leads to.
                        Release page = d.versions().release(DEV, P, Version.parse("1.0.0")).orElseThrow();
                        for (ReleaseFile file : page.files()) {
                            try (InputStream in = d.store().open(file.objectKey())) {
                                FileDigest got = FileDigest.of(in);
                                if (!got.sha256().equals(file.sha256()) || got.size() != file.size()) {
                                    problems.add(file.filename() + ": got " + got.sha256() + " for " + file.sha256());
                                }
                            } catch (Exception e) {
                                problems.add(file.filename() + ": " + e.getMessage());
                            }
                            downloads.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (int i = 1; i <= 8; i++) {
                f.publish(DEV, P, "1.0.0", "v" + i, true, PublishLog.SILENT);
            }
            stop.set(true);
            for (Future<?> r : readers) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(downloads.get()).isPositive();
        assertThat(problems).isEmpty();
        assertNoViolations();
    }

    /** Problem 5: prune removes records only; the objects outlive every cached page until the collector's grace period has passed. */
    @Test
    void pruneRacingDownloadsLeavesTheObjectsUntilTheCollectorsGracePeriodHasPassed() throws Exception {
        for (int i = 0; i < 5; i++) {
            f.publish(DEV, P, "1.0." + i, "a", false, PublishLog.SILENT);
        }
        List<Release> cachedPage = d.versions().releases(DEV, P);
        ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(1, null), false, "test", PublishLog.SILENT);
        assertThat(d.versions().releases(DEV, P)).hasSize(1);
        var gc = ObjectCollector.on(d.clients());
        var dry = gc.sweep(Duration.ZERO, true, List.of(), "test", PublishLog.SILENT);
        assertThat(dry.collected()).hasSize(4 * 3); // per pruned version: sdist, wheel, the wheel's metadata
        assertThat(gc.sweep(Duration.ofHours(1), false, List.of(), "test", PublishLog.SILENT).collected()).isEmpty();
        // Every download a cached page leads to still works inside the grace period.
        for (Release r : cachedPage) {
            for (ReleaseFile file : r.files()) {
                try (InputStream in = d.store().open(file.objectKey())) {
                    assertThat(FileDigest.of(in).sha256()).isEqualTo(file.sha256());
                }
            }
        }
        var swept = gc.sweep(Duration.ZERO, false, List.of(), "test", PublishLog.SILENT);
        assertThat(swept.collected()).hasSize(dry.collected().size());
        assertNoViolations();
        assertThat(gc.sweep(Duration.ZERO, false, List.of(), "test", PublishLog.SILENT).collected()).isEmpty();
    }

    /**
     * Problem 4 and issue 11 item 4: backup, then a newer release, an overwrite, a prune and a
     * collection, then restore: nothing whose objects are gone comes back (the dry run says so first),
     * latest and the registry follow the rule over restored and newer releases alike.
     */
    @Test
    void restoreVerifiesObjectsSkipsWhatIsGoneAndRecomputesLatest() {
        f.publish(DEV, P, "4.2.0", "a", false, PublishLog.SILENT);
        f.publish(DEV, P, "4.3.0", "a", false, PublishLog.SILENT);
        f.publish(DEV, P, "4.1.0", "a", false, PublishLog.SILENT);
        TableBackup backup = new TableBackup(d.clients().dynamo(), d.clients().s3());
        backup.export(d.settings().versionTable(), d.settings().bucket(), "backups/b1.jsonl", PublishLog.SILENT);

        f.publish(DEV, P, "5.0.0", "a", false, PublishLog.SILENT);
        f.publish(DEV, P, "4.1.0", "b", true, PublishLog.SILENT); // overwrite: the backup's 4.1.0 bytes are unreferenced now
        ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(2, null), false, "test", PublishLog.SILENT); // 4.2.0, 4.1.0
        ObjectCollector.on(d.clients()).sweep(Duration.ZERO, false, List.of(), "test", PublishLog.SILENT);
        assertNoViolations();

        var table = d.tableSnapshot();
        var s3 = d.s3Snapshot();
        var dry = backup.restore(d.settings().bucket(), "backups/b1.jsonl", d.settings().versionTable(), d.store(), d.store(), true,
                PublishLog.SILENT);
        assertThat(dry.skipped()).hasSize(2).anySatisfy(s -> assertThat(s).startsWith("dev/tiny-pkg 4.2.0: ").contains("is gone"))
                .anySatisfy(s -> assertThat(s).startsWith("dev/tiny-pkg 4.1.0: ").contains("is gone"));
        assertThat(dry.restored()).containsExactly("dev/tiny-pkg 4.3.0");
        assertThat(d.tableSnapshot()).isEqualTo(table);
        assertThat(d.s3Snapshot()).isEqualTo(s3);

        var done = backup.restore(d.settings().bucket(), "backups/b1.jsonl", d.settings().versionTable(), d.store(), d.store(), false,
                PublishLog.SILENT);
        assertThat(done.skipped()).isEqualTo(dry.skipped());
        assertThat(d.versions().release(DEV, P, Version.parse("4.2.0"))).isEmpty();
        assertThat(d.versions().latest(DEV, P).orElseThrow().version()).isEqualTo("5.0.0");
        assertNoViolations();
        // The next prune keeps the highest release.
        ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(1, null), false, "test", PublishLog.SILENT);
        assertThat(d.versions().releases(DEV, P)).extracting(r -> r.version().normalized()).containsExactly("5.0.0");
        assertNoViolations();

        // An overwrite without a collection: the backup's record still matches its (kept) objects and comes back.
        backup.export(d.settings().versionTable(), d.settings().bucket(), "backups/b2.jsonl", PublishLog.SILENT);
        f.publish(DEV, P, "5.0.0", "b", true, PublishLog.SILENT);
        backup.restore(d.settings().bucket(), "backups/b2.jsonl", d.settings().versionTable(), PublishLog.SILENT);
        assertThat(d.versions().release(DEV, P, Version.parse("5.0.0")).orElseThrow().files().get(0).sha256())
                .isEqualTo(sdistSha(f.dists(P, "5.0.0", "a")));
        assertNoViolations();
    }

    /** Found by the chaos run (seed 1218782265648): overwriting the pinned version must move the pin's object_key along. */
    @Test
    void overwritingThePinnedVersionKeepsThePinAndPointsItAtTheNewObjects() {
        f.publish(DEV, P, "1.0.0", "a", false, PublishLog.SILENT);
        f.publish(DEV, P, "1.1.0", "a", false, PublishLog.SILENT);
        new io.pypub.core.lifecycle.ReleaseLifecycle(d.versions()).rollback(DEV, P, "1.0.0", "hold", "test");
        PublishResult over = f.publish(DEV, P, "1.0.0", "b", true, PublishLog.SILENT);
        var latest = d.versions().latest(DEV, P).orElseThrow();
        assertThat(latest.pinned()).isTrue();
        assertThat(latest.pinReason()).isEqualTo("hold");
        assertThat(latest.objectKey()).isEqualTo(over.release().primaryFile().objectKey());
        assertNoViolations();
    }

    /** Issue 11 item 4: an overwrite without docs says that the release loses its docs. */
    @Test
    void anOverwriteWithoutDocsSaysItDropsTheDocs() {
        PublishResult first = f.publish(DEV, P, "1.0.0", "a", false, PublishLog.SILENT);
        Release withDocs = new Release(DEV, P, P, first.release().version(), first.release().files(),
                d.settings().layout().newDocsPrefix(DEV, P, first.release().version()), false, null, "test", null, "docs", first.release().publishedAt());
        d.store().put(withDocs.docsPrefix() + "index.html", "<html></html>".getBytes(), "text/html");
        d.versions().record(withDocs, true);

        RecordingLog log = new RecordingLog();
        f.publish(DEV, P, "1.0.0", "b", true, log);
        assertThat(log.text()).contains("has docs (" + withDocs.docsPrefix() + ")").contains("will have no docs after it");
        assertThat(d.versions().release(DEV, P, Version.parse("1.0.0")).orElseThrow().docsPrefix()).isNull();
    }
}
