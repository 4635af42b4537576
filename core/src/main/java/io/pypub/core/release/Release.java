package io.pypub.core.release;

import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.List;

/**
 * A published version of a project in one stage, as the version table records it.
 *
 * @param revision the record's revision: a new random value on every write of the release item
 *     (publish, overwrite, import, promote, restore keeps the backup's); null for a release that
 *     was never recorded, or was recorded before revisions existed. An overwrite is conditioned on
 *     the revision it read, so it replaces exactly the record it saw.
 */
public record Release(
        Stage stage,
        String project,
        String displayName,
        Version version,
        List<ReleaseFile> files,
        String docsPrefix,
        boolean yanked,
        String yankReason,
        String publishedBy,
        String sourceRevision,
        String summary,
        Instant publishedAt,
        String revision) {

    public Release {
        files = List.copyOf(files);
    }

    /** A release not read from the table (no revision yet). */
    public Release(Stage stage, String project, String displayName, Version version, List<ReleaseFile> files, String docsPrefix,
            boolean yanked, String yankReason, String publishedBy, String sourceRevision, String summary, Instant publishedAt) {
        this(stage, project, displayName, version, files, docsPrefix, yanked, yankReason, publishedBy, sourceRevision, summary,
                publishedAt, null);
    }

    /**
     * The sdist, which the direct-download URL serves and the old pipeline's {@code object_key} of
     * {@code latest} names; falls back to the first file (a wheel-only release).
     */
    public ReleaseFile primaryFile() {
        return files.stream().filter(f -> f.packageType() == PackageType.SDIST).findFirst()
                .orElse(files.isEmpty() ? null : files.get(0));
    }

    /** The same release with its yank state changed (the revision is kept: yanking is not a new set of bytes). */
    public Release withYanked(boolean yanked, String reason) {
        return new Release(stage, project, displayName, version, files, docsPrefix, yanked, reason, publishedBy, sourceRevision,
                summary, publishedAt, revision);
    }
}
