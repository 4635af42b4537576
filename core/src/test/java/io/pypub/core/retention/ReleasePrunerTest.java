package io.pypub.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.lifecycle.ReleasePromoter;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prune keeps every protected release: a history of 50 dev releases with a pin and a promotion. */
class ReleasePrunerTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Stage PROD = Stage.of("prod");
    private static final String PROJECT = "hello-package";
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private StorageLayout layout;

    @BeforeEach
    void deployment() {
        d = env.newDeployment();
        layout = d.settings().layout();
    }

    private void history() {
        // 1.0.1 .. 1.0.50; release i was published (50 - i) days ago, so 1.0.50 is from today.
        for (int i = 1; i <= 50; i++) {
            record(i, Instant.now().minus(50 - i, ChronoUnit.DAYS));
        }
        new ReleaseLifecycle(d.versions()).rollback(DEV, PROJECT, "1.0.10", "incident", "test");
        ReleasePromoter.on(d.clients()).promote(PROJECT, "1.0.20", DEV, PROD, "test", PublishLog.SILENT);
    }

    @AfterEach
    void close() {
        d.close();
    }

    private void record(int i, Instant publishedAt) {
        Version v = Version.parse("1.0." + i);
        String sdist = "hello_package-" + v + ".tar.gz";
        String wheel = "hello_package-" + v + "-py3-none-any.whl";
        String sdistKey = layout.fileKey(DEV, PROJECT, v, sdist);
        String wheelKey = layout.fileKey(DEV, PROJECT, v, wheel);
        FileDigest s = d.store().put(sdistKey, ("sdist " + v).getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        FileDigest w = d.store().put(wheelKey, ("wheel " + v).getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        FileDigest m = d.store().put(wheelKey + ".metadata", ("Name: hello-package\nVersion: " + v + "\n").getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=utf-8");
        // The legacy layout (per-release keys), as a table from before content addressing has it: prune and
        // the collector handle both.
        String docs = layout.legacyDocsPrefix(DEV, PROJECT, v);
        d.store().put(docs + "index.html", "<html></html>".getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        d.versions().record(new Release(DEV, PROJECT, "hello-package", v, List.of(
                new ReleaseFile(sdist, sdistKey, s.sha256(), s.size(), ">=3.9", publishedAt, null, PackageType.SDIST),
                new ReleaseFile(wheel, wheelKey, w.sha256(), w.size(), ">=3.9", publishedAt, m.sha256(), PackageType.WHEEL)),
                docs, false, null, "test", null, "A tiny example", publishedAt), false);
    }

    private List<String> remaining() {
        return d.versions().releases(DEV, PROJECT).stream().map(Release::version).sorted().map(Version::normalized).toList();
    }

    @Test
    void keepsTheNewestLatestPinnedAndPromotedAndDeletesTheRestWithTheirObjects() {
        history();
        ReleasePruner pruner = ReleasePruner.on(d.clients());
        PrunePolicy policy = new PrunePolicy(5, Duration.ofDays(30));

        var dryRun = pruner.prune(DEV, policy, true, "test", PublishLog.SILENT);
        assertThat(remaining()).hasSize(50);
        var pruned = pruner.prune(DEV, policy, false, "test", PublishLog.SILENT);

        // Beyond the newest 5 and older than 30 days: 1.0.1 to 1.0.19, less the pinned 1.0.10.
        assertThat(pruned).extracting(ReleasePruner.Pruned::version).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 19).filter(i -> i != 10).mapToObj(i -> "1.0." + i).toList());
        assertThat(dryRun).isEqualTo(pruned);
        assertThat(remaining()).hasSize(32).contains("1.0.10", "1.0.20").doesNotContain("1.0.9", "1.0.19");
        assertThat(pruned).allSatisfy(p -> assertThat(p.objects()).isEqualTo(4)); // sdist, wheel, .metadata, docs page

        // Prune removed records only: a page cached before it may still link the files, so they stay...
        assertThat(d.s3Snapshot().keySet()).contains("dev/hello-package/1.0.9/hello_package-1.0.9.tar.gz",
                "docs/dev/hello-package/1.0.19/index.html");
        // ...until the collector finds them unreferenced and older than its grace period.
        var gc = ObjectCollector.on(d.clients());
        assertThat(gc.sweep(Duration.ofHours(1), false, List.of(), "test", PublishLog.SILENT).collected()).isEmpty();
        var swept = gc.sweep(Duration.ZERO, false, List.of(), "test", PublishLog.SILENT);
        assertThat(swept.collected()).hasSize(18 * 4);

        // The objects of pruned releases are gone; those of kept ones are all there.
        var keys = d.s3Snapshot().keySet();
        assertThat(keys).noneMatch(k -> k.contains("/1.0.9/") || k.contains("/1.0.19/"));
        assertThat(keys).contains("dev/hello-package/1.0.10/hello_package-1.0.10.tar.gz",
                "dev/hello-package/1.0.20/hello_package-1.0.20-py3-none-any.whl.metadata",
                "docs/dev/hello-package/1.0.21/index.html",
                "dev/hello-package/1.0.20/hello_package-1.0.20.tar.gz");
        // Promotion copied nothing: prod's record references dev's objects.
        assertThat(d.versions().release(PROD, PROJECT, Version.parse("1.0.20")).orElseThrow().files().get(0).objectKey())
                .isEqualTo("dev/hello-package/1.0.20/hello_package-1.0.20.tar.gz");
        assertThat(keys).noneMatch(k -> k.startsWith("prod/"));
        assertThat(d.versions().latest(DEV, PROJECT).orElseThrow().version()).isEqualTo("1.0.10");

        // A second prune finds nothing more to do.
        assertThat(pruner.prune(DEV, policy, false, "test", PublishLog.SILENT)).isEmpty();
    }

    @Test
    void keepOnlyPrunesByCountAndKeepZeroLeavesOnlyTheProtectedReleases() {
        history();
        var pruned = ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(45, null), false, "test", PublishLog.SILENT);
        // Beyond the newest 45: 1.0.1 to 1.0.5, whatever their age.
        assertThat(pruned).extracting(ReleasePruner.Pruned::version).containsExactlyInAnyOrder("1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5");
        assertThat(remaining()).hasSize(45).doesNotContain("1.0.5").contains("1.0.6");

        ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(0, null), false, "test", PublishLog.SILENT);
        assertThat(remaining()).containsExactly("1.0.10", "1.0.20");
        assertThatThrownBy(() -> d.versions().deleteRelease(DEV, PROJECT, Version.parse("1.0.10")))
                .hasMessageContaining("is latest");
    }

    @Test
    void thePolicyMustSaySomething() {
        assertThatThrownBy(() -> new PrunePolicy(null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--keep");
    }
}
