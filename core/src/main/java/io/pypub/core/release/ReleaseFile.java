package io.pypub.core.release;

import java.time.Instant;

/**
 * One distribution file of a release as recorded in the version table.
 *
 * @param metadataSha256 sha256 of the PEP 658 {@code .metadata} file next to it, or null if none
 */
public record ReleaseFile(
        String filename,
        String objectKey,
        String sha256,
        long size,
        String requiresPython,
        Instant uploadTime,
        String metadataSha256,
        PackageType packageType) {}
