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
}
