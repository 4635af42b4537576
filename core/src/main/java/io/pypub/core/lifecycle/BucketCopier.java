package io.pypub.core.lifecycle;

import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Server-side copies inside one bucket: the bytes never pass through pypub, and Content-Type and
 * user metadata (our {@code sha256}) travel with the object. Reads are there to verify copies.
 */
public final class BucketCopier {
    private final S3Client s3;
    private final String bucket;
    private final S3ArtifactStore store;

    public BucketCopier(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
        this.store = new S3ArtifactStore(s3, bucket);
    }

    public String bucket() {
        return bucket;
    }

    /** Copies one object (up to 5 GB: CopyObject's limit, far above any package). */
    public void copy(String fromKey, String toKey) {
        try {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(fromKey).destinationBucket(bucket).destinationKey(toKey)
                    .metadataDirective(MetadataDirective.COPY));
        } catch (SdkException e) {
            throw new StorageException("Copying s3://" + bucket + "/" + fromKey + " to " + toKey + " failed: " + e.getMessage(), e);
        }
    }

    /** Every key under a prefix, in S3's (lexicographic) order. */
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                keys.add(o.key());
            }
        } catch (SdkException e) {
            throw new StorageException("Listing s3://" + bucket + "/" + prefix + " failed: " + e.getMessage(), e);
        }
        return keys;
    }

    public Optional<StoredObject> head(String key) {
        return store.head(key);
    }

    /** Reads an object through and hashes what S3 actually holds (not what its metadata claims). */
    public FileDigest digest(String key) {
        try (InputStream in = store.open(key)) {
            return FileDigest.of(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }
}
