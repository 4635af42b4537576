package io.pypub.core.lifecycle;

import static io.pypub.core.lifecycle.Releases.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.ReleaseStateException;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules of rollback, unpin, yank and unyank, on a real DynamoDB API server. */
class ReleaseLifecycleTest {
    private static final Stage DEV = Stage.of("dev");
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment deployment;
    private DynamoVersionTable versions;
    private ReleaseLifecycle lifecycle;
    private AuditCapture audit;

    @BeforeEach
    void setUp() {
        deployment = env.newDeployment();
        versions = deployment.versions();
        lifecycle = new ReleaseLifecycle(versions);
        audit = new AuditCapture();
    }

    @AfterEach
    void tearDown() {
        audit.close();
        deployment.close();
    }

    private void publish(String... versionsToRecord) {
        for (String v : versionsToRecord) {
            versions.record(Releases.of(DEV, v), false);
        }
    }

    private LatestPointer latest() {
        return versions.latest(DEV, PROJECT).orElseThrow();
    }

    private String registryLatest() {
        return versions.projects(DEV).stream().filter(p -> p.name().equals(PROJECT)).findFirst()
                .map(ProjectEntry::latestVersion).orElse(null);
    }

    private Release release(String v) {
        return versions.release(DEV, PROJECT, Version.parse(v)).orElseThrow();
    }

    @Test
    void rollbackPinsLatestAPublishLeavesThePinAndUnpinGoesBackToTheHighest() {
        publish("0.1.0", "0.2.0");

        LifecycleResult rolledBack = lifecycle.rollback(DEV, "Hello_Package", "0.1.0", "0.2.0 breaks imports", "alice");

        assertThat(rolledBack.changed()).isTrue();
        assertThat(rolledBack.message()).contains("pinned to 0.1.0").contains("was 0.2.0");
        assertThat(latest()).isEqualTo(new LatestPointer("0.1.0", "dev/hello-package/0.1.0/hello_package-0.1.0.tar.gz",
                release("0.1.0").primaryFile().uploadTime(), true, "0.2.0 breaks imports"));
        assertThat(registryLatest()).isEqualTo("0.1.0");

        RecordOutcome whilePinned = versions.record(Releases.of(DEV, "0.3.0"), false);
        assertThat(whilePinned.pinned()).isTrue();
        assertThat(whilePinned.latestVersion()).isEqualTo("0.1.0");
        assertThat(latest().version()).isEqualTo("0.1.0");
        assertThat(latest().pinned()).isTrue();
        assertThat(registryLatest()).isEqualTo("0.1.0");

        LifecycleResult unpinned = lifecycle.unpin(DEV, PROJECT, "alice");

        assertThat(unpinned.message()).contains("now 0.3.0");
        assertThat(latest()).isEqualTo(new LatestPointer("0.3.0", "dev/hello-package/0.3.0/hello_package-0.3.0.tar.gz",
                release("0.3.0").primaryFile().uploadTime(), false, null));
        assertThat(registryLatest()).isEqualTo("0.3.0");
    }

    @Test
    void yankingLatestMovesItToTheHighestRemainingAndUnyankMovesItBack() {
        publish("0.1.0", "0.2.0", "0.3.0");

        LifecycleResult yanked = lifecycle.yank(DEV, PROJECT, "0.3.0", "broken wheel", "bob");
        assertThat(yanked.message()).contains("latest moved from 0.3.0 to 0.2.0");
        assertThat(release("0.3.0").yanked()).isTrue();
        assertThat(release("0.3.0").yankReason()).isEqualTo("broken wheel");
        assertThat(latest().version()).isEqualTo("0.2.0");
        assertThat(latest().objectKey()).isEqualTo("dev/hello-package/0.2.0/hello_package-0.2.0.tar.gz");
        assertThat(registryLatest()).isEqualTo("0.2.0");

        // Yanking something below latest leaves latest alone; 0.1 is 0.1.0 (PEP 440 equality).
        lifecycle.yank(DEV, PROJECT, "0.1", "old", "bob");
        assertThat(release("0.1.0").yanked()).isTrue();
        assertThat(latest().version()).isEqualTo("0.2.0");

        // A publish while the highest version is yanked: the new one is latest if it is the highest.
        lifecycle.unyank(DEV, PROJECT, "0.3.0", "bob");
        assertThat(release("0.3.0").yanked()).isFalse();
        assertThat(release("0.3.0").yankReason()).isNull();
        assertThat(latest().version()).isEqualTo("0.3.0");
        assertThat(registryLatest()).isEqualTo("0.3.0");
    }

    @Test
    void yankingTheOnlyReleaseRemovesLatestAndUnyankRestoresIt() {
        publish("1.0");

        lifecycle.yank(DEV, PROJECT, "1.0", "leaked a secret", "carol");
        assertThat(versions.latest(DEV, PROJECT)).isEmpty();
        assertThat(registryLatest()).isNull();

        lifecycle.unyank(DEV, PROJECT, "1.0", "carol");
        assertThat(latest().version()).isEqualTo("1.0");
        assertThat(registryLatest()).isEqualTo("1.0");
    }

    @Test
    void yankingThePinnedVersionIsRefusedAndChangesNothingButOtherVersionsMayBeYanked() {
        publish("0.1.0", "0.2.0");
        lifecycle.rollback(DEV, PROJECT, "0.1.0", "incident 42", "alice");
        var before = deployment.tableSnapshot();

        assertThatThrownBy(() -> lifecycle.yank(DEV, PROJECT, "0.1.0", "oops", "alice"))
                .isInstanceOf(ReleaseStateException.class)
                .hasMessageContaining("0.1.0 is the pinned latest in stage 'dev' (incident 42)")
                .hasMessageContaining("Roll back to another version (or unpin) first");
        assertThat(deployment.tableSnapshot()).isEqualTo(before);
        assertThat(audit.last()).containsEntry("operation", "yank").containsEntry("outcome", "refused");

        // Yanking another version keeps the pin.
        lifecycle.yank(DEV, PROJECT, "0.2.0", "bad", "alice");
        assertThat(latest().version()).isEqualTo("0.1.0");
        assertThat(latest().pinned()).isTrue();
        assertThat(registryLatest()).isEqualTo("0.1.0");

        // Rolling back to a yanked version is refused too.
        var beforeRollback = deployment.tableSnapshot();
        assertThatThrownBy(() -> lifecycle.rollback(DEV, PROJECT, "0.2.0", "try", "alice"))
                .isInstanceOf(ReleaseStateException.class)
                .hasMessageContaining("0.2.0 is yanked in stage 'dev' (bad): unyank it first");
        assertThat(deployment.tableSnapshot()).isEqualTo(beforeRollback);

        // With 0.2.0 yanked, unpinning leaves 0.1.0 as the highest that is not yanked.
        lifecycle.unpin(DEV, PROJECT, "alice");
        assertThat(latest().version()).isEqualTo("0.1.0");
        assertThat(latest().pinned()).isFalse();
    }

    @Test
    void unknownProjectVersionOrStageAndBadInputGiveClearErrorsAndChangeNothing() {
        publish("0.1.0", "0.2.0");
        var before = deployment.tableSnapshot();

        assertThatThrownBy(() -> lifecycle.rollback(DEV, "no-such-project", "0.1.0", "r", "alice"))
                .isInstanceOf(ReleaseStateException.class)
                .hasMessage("There is no project 'no-such-project' in stage 'dev': check the name and the stage.");
        assertThatThrownBy(() -> lifecycle.rollback(DEV, PROJECT, "0.9", "r", "alice"))
                .isInstanceOf(ReleaseStateException.class)
                .hasMessage("hello-package 0.9 is not published in stage 'dev' (published there: 0.1.0, 0.2.0).");
        assertThatThrownBy(() -> lifecycle.yank(Stage.of("prod"), PROJECT, "0.1.0", "r", "alice"))
                .hasMessageContaining("There is no project 'hello-package' in stage 'prod'");
        assertThatThrownBy(() -> lifecycle.unyank(DEV, PROJECT, "0.3.0", "alice"))
                .hasMessageContaining("0.3.0 is not published");
        assertThatThrownBy(() -> lifecycle.unpin(DEV, "nope", "alice"))
                .hasMessageContaining("There is no project 'nope'");
        assertThatThrownBy(() -> lifecycle.rollback(DEV, PROJECT, "not a version", "r", "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEP 440 version");
        assertThatThrownBy(() -> lifecycle.yank(DEV, "bad/name", "0.1.0", "r", "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid project name");
        assertThatThrownBy(() -> lifecycle.yank(DEV, PROJECT, "0.1.0", " ", "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Give a reason for a yank (--reason on the command line, reason: in Jenkins)");
        assertThatThrownBy(() -> lifecycle.rollback(DEV, PROJECT, "0.1.0", "r", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an actor");

        assertThat(deployment.tableSnapshot()).isEqualTo(before);
        assertThat(audit.lines()).hasSize(9).allSatisfy(line -> assertThat(line).containsEntry("outcome", "refused"));
    }

    @Test
    void repeatingAnOperationIsANoOp() {
        publish("0.1.0", "0.2.0");
        lifecycle.rollback(DEV, PROJECT, "0.1.0", "incident", "alice");
        lifecycle.yank(DEV, PROJECT, "0.2.0", "bad", "alice");
        var before = deployment.tableSnapshot();

        assertThat(lifecycle.rollback(DEV, PROJECT, "0.1.0", "incident", "alice").changed()).isFalse();
        assertThat(lifecycle.yank(DEV, PROJECT, "0.2.0", "bad", "alice").changed()).isFalse();
        assertThat(lifecycle.unyank(DEV, PROJECT, "0.1.0", "alice").changed()).isFalse();
        assertThat(deployment.tableSnapshot()).isEqualTo(before);
        assertThat(audit.last()).containsEntry("outcome", "unchanged");

        lifecycle.unpin(DEV, PROJECT, "alice");
        var unpinned = deployment.tableSnapshot();
        LifecycleResult again = lifecycle.unpin(DEV, PROJECT, "alice");
        assertThat(again.changed()).isFalse();
        assertThat(again.message()).contains("was not pinned");
        assertThat(deployment.tableSnapshot()).isEqualTo(unpinned);
    }

    @Test
    void everyOperationIsAuditedWithWhoDidItAndHowItEnded() {
        publish("0.1.0", "0.2.0");

        lifecycle.rollback(DEV, PROJECT, "0.1.0", "incident 42", "https://jenkins/job/x/7/");
        lifecycle.yank(DEV, PROJECT, "0.2.0", "broken", "alice@laptop");
        lifecycle.unyank(DEV, PROJECT, "0.2.0", "alice@laptop");
        lifecycle.unpin(DEV, PROJECT, "bob@laptop");

        List<Map<String, String>> lines = audit.lines();
        assertThat(lines).extracting(l -> l.get("operation")).containsExactly("rollback", "yank", "unyank", "unpin");
        assertThat(lines.get(0)).containsEntry("actor", "https://jenkins/job/x/7/").containsEntry("stage", "dev")
                .containsEntry("project", PROJECT).containsEntry("version", "0.1.0").containsEntry("reason", "incident 42")
                .containsEntry("outcome", "ok").containsKey("detail");
        assertThat(lines.get(1)).containsEntry("actor", "alice@laptop").containsEntry("reason", "broken");
        assertThat(lines.get(3)).containsEntry("actor", "bob@laptop").doesNotContainKey("version");
    }

    @Test
    void concurrentPublishesAndPinFlipsAllSucceedAndEndConsistent() throws Exception {
        publish("0.1.0", "0.2.0");
        List<String> newer = new ArrayList<>();
        for (int i = 3; i <= 12; i++) {
            newer.add("0." + i + ".0");
        }
        // Publishes and pin flips race: every one must get through (conflicts are retried from a fresh read).
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> newer.forEach(this::publish));
        CompletableFuture<Void> operator = CompletableFuture.runAsync(() -> {
            while (!publisher.isDone()) {
                lifecycle.rollback(DEV, PROJECT, "0.1.0", "flapping", "alice");
                lifecycle.unpin(DEV, PROJECT, "alice");
            }
        });
        publisher.get();
        operator.get();

        // The operator ended with an unpin: latest must be the highest version, whatever the interleaving.
        assertThat(latest().version()).isEqualTo("0.12.0");
        assertThat(latest().pinned()).isFalse();
        assertThat(registryLatest()).isEqualTo("0.12.0");
        assertThat(versions.releases(DEV, PROJECT)).hasSize(12);
    }

    @Test
    void theIndexServesReleasesAboveAPinAsYanked() {
        List<Release> all = List.of(Releases.of(DEV, "0.1.0"), Releases.of(DEV, "0.2.0"), Releases.of(DEV, "0.3.0"));
        Release yanked = new Release(DEV, PROJECT, "hello-package", Version.parse("0.4.0"), all.get(0).files(), null, true,
                "own reason", "t", null, null, all.get(0).publishedAt());
        List<Release> withYank = new ArrayList<>(all);
        withYank.add(yanked);

        assertThat(ServedReleases.of(withYank, Optional.empty())).isEqualTo(withYank);
        assertThat(ServedReleases.of(withYank, Optional.of(new LatestPointer("0.4.0", null, null, false, null))))
                .isEqualTo(withYank);

        List<Release> served = ServedReleases.of(withYank, Optional.of(new LatestPointer("0.2.0", null, null, true, "incident")));
        assertThat(served).extracting(r -> r.version().normalized() + ":" + r.yanked() + ":" + r.yankReason())
                .containsExactly("0.1.0:false:null", "0.2.0:false:null", "0.3.0:true:latest is pinned to 0.2.0: incident",
                        "0.4.0:true:own reason");
    }
}
