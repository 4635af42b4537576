package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every write that changes what a stage serves moves the stage's generation (in the project's shard), in
 * the same transaction, so an index that sees an unchanged generation may keep what it read; a refused
 * write moves nothing. The generation items are no stage and no project to any reader.
 */
class StageGenerationTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Stage PROD = Stage.of("prod");
    private static final String PROJECT = "hello-package";
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void everyWritePathMovesTheGenerationOfItsStageAndShardOnly() {
        try (Deployment d = env.newDeployment()) {
            DynamoVersionTable versions = d.versions();
            String other = otherShardProject();
            Walk walk = new Walk(versions);

            walk.expectMove(DEV, "publish", () -> versions.recordReplacing(release(DEV, PROJECT, "1.0"), null));
            walk.expectMove(DEV, "publish 1.1", () -> versions.recordReplacing(release(DEV, PROJECT, "1.1"), null));
            Release read = versions.release(DEV, PROJECT, Version.parse("1.1")).orElseThrow();
            walk.expectMove(DEV, "overwrite (and the upload API's file add)", () -> versions.recordReplacing(release(DEV, PROJECT, "1.1"), read));
            walk.expectMove(DEV, "record (tools, import)", () -> versions.record(release(DEV, PROJECT, "1.2"), true));
            walk.expectMove(DEV, "rollback", () -> versions.pin(DEV, PROJECT, Version.parse("1.0"), "bad 1.2"));
            walk.expectMove(DEV, "unpin", () -> versions.unpin(DEV, PROJECT));
            walk.expectMove(DEV, "yank", () -> versions.setYanked(DEV, PROJECT, Version.parse("1.1"), true, "broken"));
            walk.expectMove(DEV, "unyank", () -> versions.setYanked(DEV, PROJECT, Version.parse("1.1"), false, null));
            walk.expectMove(DEV, "prune", () -> versions.deleteRelease(DEV, PROJECT, Version.parse("1.0")));
            Release source = versions.release(DEV, PROJECT, Version.parse("1.2")).orElseThrow();
            walk.expectMove(PROD, "promote", () -> versions.recordPromotion(release(PROD, PROJECT, "1.2"), source));
            walk.expectMove(DEV, "restore", () -> versions.restoreProject(DEV, PROJECT,
                    List.of(DynamoVersionTable.toItem(release(DEV, PROJECT, "1.0"))), null, null, false));

            walk.expectNoMove(DEV, "a refused publish", () -> assertThatThrownBy(() ->
                    versions.recordReplacing(release(DEV, PROJECT, "1.2"), null)).isInstanceOf(ReleaseExistsException.class));
            walk.expectNoMove(DEV, "a refused yank", () -> assertThatThrownBy(() ->
                    versions.setYanked(DEV, PROJECT, Version.parse("9.9"), true, null)).isInstanceOf(ReleaseStateException.class));
            walk.expectNoMove(DEV, "an unpin of an unpinned project", () -> versions.unpin(DEV, PROJECT));
            walk.expectNoMove(DEV, "restoring what is there", () -> versions.restoreProject(DEV, PROJECT,
                    List.of(DynamoVersionTable.toItem(versions.release(DEV, PROJECT, Version.parse("1.0")).orElseThrow())), null, null, false));

            // A project in another shard: its pages need no re-read when hello-package changes, and vice versa.
            StageGeneration before = versions.generation(DEV);
            versions.recordReplacing(release(DEV, other, "0.1"), null);
            StageGeneration after = versions.generation(DEV);
            assertThat(after.of(other)).isEqualTo(before.of(other) + 1);
            assertThat(after.of(PROJECT)).as("the other shard").isEqualTo(before.of(PROJECT));
            assertThat(after.total()).isEqualTo(before.total() + 1);

            // No reader takes the generation items for a stage, a project or a release.
            assertThat(versions.stages()).containsExactly(DEV, PROD);
            assertThat(versions.projects(DEV)).extracting(ProjectEntry::name).containsExactly(PROJECT, other);
            assertThat(versions.allReleases()).extracting(r -> r.stage() + "/" + r.project())
                    .allMatch(s -> s.equals("dev/" + PROJECT) || s.equals("dev/" + other) || s.equals("prod/" + PROJECT));
        }
    }

    /** Each step: the generation of the stage, read before and after. */
    private record Walk(DynamoVersionTable versions) {
        void expectMove(Stage stage, String what, Runnable write) {
            StageGeneration before = versions.generation(stage);
            write.run();
            StageGeneration after = versions.generation(stage);
            assertThat(after.of(PROJECT)).as(what + " moves the project's shard").isEqualTo(before.of(PROJECT) + 1);
            assertThat(after.total()).as(what + " moves nothing else").isEqualTo(before.total() + 1);
        }

        void expectNoMove(Stage stage, String what, Runnable noWrite) {
            StageGeneration before = versions.generation(stage);
            noWrite.run();
            assertThat(versions.generation(stage)).as(what).isEqualTo(before);
        }
    }

    private static String otherShardProject() {
        for (int i = 0; ; i++) {
            String name = "other-" + i;
            if (StageGeneration.shardOf(name) != StageGeneration.shardOf(PROJECT)) {
                return name;
            }
        }
    }

    static Release release(Stage stage, String project, String version) {
        Version v = Version.parse(version);
        StorageLayout layout = new StorageLayout("");
        String sdist = project.replace('-', '_') + "-" + v.normalized() + ".tar.gz";
        return new Release(stage, project, project, v, List.of(new ReleaseFile(sdist, layout.fileKey(stage, project, v, sdist),
                "a".repeat(64), 100, null, Instant.now(), null, PackageType.SDIST)),
                null, false, null, "test", null, "A summary", Instant.now());
    }
}
