package io.pypub.core.release;

import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.List;

/** A published version of a project in one stage, as the version table records it. */
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
        Instant publishedAt) {

    public Release {
        files = List.copyOf(files);
    }

    /**
     * The sdist, which the direct-download URL serves and the old pipeline's {@code object_key} of
     * {@code latest} names; falls back to the first file (a wheel-only release).
     */
    public ReleaseFile primaryFile() {
        return files.stream().filter(f -> f.packageType() == PackageType.SDIST).findFirst()
                .orElse(files.isEmpty() ? null : files.get(0));
    }
}
