package io.pypub.core.storage;

import java.time.Instant;

/**
 * What S3 says about an object: size, the sha256 we stored with it (may be null), type, and when
 * it was last written (null where the store did not say; the collector treats that as "now").
 */
public record StoredObject(String key, long size, String sha256, String contentType, Instant lastModified) {
    public StoredObject(String key, long size, String sha256, String contentType) {
        this(key, size, sha256, contentType, null);
    }
}
