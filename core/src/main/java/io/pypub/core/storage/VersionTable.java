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
     * Records a release, its project entry and the {@code latest} pointer in one transaction.
     *
     * @throws ReleaseExistsException if the version is already recorded and {@code overwrite} is false
     */
    RecordOutcome record(Release release, boolean overwrite);

    /**
     * As {@link #record(Release, boolean)}, and gives up {@code lease} in the same transaction; fails
     * if the lease expired and another publisher took it.
     */
    RecordOutcome record(Release release, boolean overwrite, PublishLease lease);

    /**
     * Takes the upload lease of a version for {@code ttl}.
     *
     * @param holder who publishes, shown to a competing publisher (e.g. the build URL)
     * @throws PublishConflictException if another publisher holds an unexpired lease
     */
    PublishLease acquireLease(Stage stage, String project, Version version, String holder, java.time.Duration ttl);

    /** Gives a lease back after a failed publish (best effort: an expired lease frees itself). */
    void releaseLease(PublishLease lease);

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
     * Deletes a release record (prune). Refused for the current {@code latest}, pinned or not; the
     * caller deletes the objects afterwards, once nothing points at them.
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
