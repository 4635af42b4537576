package io.pypub.core.retention;

import java.time.Duration;

/**
 * Which releases of a stage may go: everything beyond the newest {@code keep} versions of each
 * project that is also older than {@code olderThan} (either may be left out, not both).
 */
public record PrunePolicy(Integer keep, Duration olderThan) {
    public PrunePolicy {
        if (keep == null && olderThan == null) {
            throw new IllegalArgumentException("Say what to prune: --keep N (newest versions to keep), --older-than-days D, or both");
        }
        if (keep != null && keep < 0) {
            throw new IllegalArgumentException("--keep must be 0 or more, not " + keep);
        }
        if (olderThan != null && olderThan.isNegative()) {
            throw new IllegalArgumentException("--older-than-days must be 0 or more");
        }
    }
}
