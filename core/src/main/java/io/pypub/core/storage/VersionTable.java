package io.pypub.core.storage;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.util.List;
import java.util.Optional;

/** The version table: which releases exist in which stage, and what {@code latest} is. */
public interface VersionTable {

    Optional<Release> release(Stage stage, String project, Version version);

    /** All releases of a project in a stage, in no particular order. */
    List<Release> releases(Stage stage, String project);

    Optional<LatestPointer> latest(Stage stage, String project);

    List<ProjectEntry> projects(Stage stage);

    /**
     * The stage's generation: changes (in the shard of the project) with every write of a release,
     * {@code latest} or registry item, in the same transaction. Cheap whatever the number of projects.
     */
    StageGeneration generation(Stage stage);

    /**
     * Records a release, its project entry and the {@code latest} pointer in one transaction.
     *
     * @param overwrite false: the version must not be recorded yet; true: replace whatever record the
     *     version has when the transaction runs (tools and tests; publishes use {@link #recordReplacing})
     * @throws ReleaseExistsException if the version is already recorded and {@code overwrite} is false
     */
    RecordOutcome record(Release release, boolean overwrite);

    /**
     * Records a release in place of exactly {@code expected} (the record an overwrite read before it
     * uploaded), or, when {@code expected} is null, only if the version is not recorded. Publish,
     * overwrite and import all record through here.
     *
     * @throws ReleaseExistsException if {@code expected} is null and the version is recorded (a lost race)
     * @throws PublishConflictException if the record is no longer {@code expected} (replaced or removed)
     */
    RecordOutcome recordReplacing(Release release, Release expected);

    /** What {@link #record} did to {@code latest}. */
    record RecordOutcome(String latestVersion, boolean latestMoved, boolean pinned, String pinReason) {}

    // ---- lifecycle (rollback, yank, promote) ------------------------------------------------
    // Each re-reads the project and writes in one transaction conditioned on what it read, like
    // record(); rule violations (unknown project or version, yanking the pin, ...) throw
    // ReleaseStateException and write nothing.

    /** Pins {@code latest} (and the registry's latest) to an existing release that is not yanked. */
    LatestChange pin(Stage stage, String project, Version version, String reason);

    /** Clears a pin: {@code latest} becomes the highest version that is not yanked. No-op if not pinned. */
    LatestChange unpin(Stage stage, String project);

    /**
     * Yanks or unyanks a release (PEP 592). An unpinned {@code latest} follows (the highest version
     * not yanked, removed if there is none); yanking the pinned version is refused.
     */
    LatestChange setYanked(Stage stage, String project, Version version, boolean yanked, String reason);

    /** {@link #record} without overwrite, marking the release as copied from another stage ({@code promoted_from}). */
    RecordOutcome recordPromotion(Release release, Stage promotedFrom);

    /**
     * As {@link #recordPromotion(Release, Stage)}, conditioned on {@code source} (the record whose objects
     * the new one references) still being exactly as read and not yanked.
     *
     * @throws ReleaseStateException if the source record changed
     */
    RecordOutcome recordPromotion(Release release, Release source);

    /**
     * Deletes a release record (prune). Refused for the current {@code latest}, pinned or not. The
     * objects stay: the collector deletes them once no record references them (ObjectCollector).
     */
    void deleteRelease(Stage stage, String project, Version version);

    /** The stages that have at least one project (one scan of the registry items: for maintenance, not hot paths). */
    List<Stage> stages();

    /** The stage a release was promoted from, if it was. */
    Optional<Stage> promotedFrom(Stage stage, String project, Version version);

    /**
     * What a lifecycle operation did: {@code changed} is false when the table already was in the
     * requested state; latest versions are null when the project has no {@code latest}.
     */
    record LatestChange(boolean changed, String latestBefore, boolean pinnedBefore, String latestAfter, boolean pinnedAfter) {
        public boolean latestMoved() {
            return !java.util.Objects.equals(latestBefore, latestAfter) || pinnedBefore != pinnedAfter;
        }
    }
}
