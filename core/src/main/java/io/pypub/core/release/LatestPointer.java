package io.pypub.core.release;

import java.time.Instant;

/** The {@code latest} record of a project in a stage: a version, and whether a rollback pinned it. */
public record LatestPointer(String version, String objectKey, Instant uploadTime, boolean pinned, String pinReason) {}
