package io.pypub.core.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link ArtifactStore} on one S3 bucket (AWS or any S3-compatible server). */
public final class S3ArtifactStore implements ArtifactStore {
    /** User metadata key holding the hex sha256 of the body (restore and the collector's checks read it). */
    public static final String SHA256_METADATA = "sha256";

    private final S3Client s3;
    private final String bucket;

    public S3ArtifactStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public FileDigest put(String key, Path file, String contentType) {
        FileDigest digest = FileDigest.of(file);
        return put(key, RequestBody.fromFile(file), digest, contentType);
    }

    @Override
    public FileDigest put(String key, Path file, FileDigest digest, String contentType) {
        return put(key, RequestBody.fromFile(file), digest, contentType);
    }

    @Override
    public Optional<StreamingBlobUpload> streamTo(String key, String sha256, String contentType, Path file) {
        return Optional.of(new StreamingBlobUpload(s3, this, key, sha256, contentType, file));
    }

    @Override
    public FileDigest put(String key, byte[] bytes, String contentType) {
        return put(key, RequestBody.fromBytes(bytes), FileDigest.of(bytes), contentType);
    }

    /**
     * One PutObject, not read back: S3 checks the body against its Content-MD5 and refuses a mismatch (400 BadDigest)
     * without storing anything, so a success means these exact bytes, with their sha256 metadata, are the object. A
     * HEAD after it would only repeat what the PUT carried (size, metadata) at one more round trip per object.
     */
    private FileDigest put(String key, RequestBody body, FileDigest digest, String contentType) {
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(contentType)
                .contentLength(digest.size())
                .contentMD5(digest.md5Base64())
                .metadata(Map.of(SHA256_METADATA, digest.sha256()))
                .build();
        try {
            s3.putObject(request, body);
        } catch (SdkException e) {
            throw new StorageException("Upload of s3://" + bucket + "/" + key + " failed: " + reason(e), e);
        }
        return digest;
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return ifExists("Reading", key, () -> {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key));
            return new StoredObject(key, r.contentLength(), r.metadata().get(SHA256_METADATA), r.contentType(), r.lastModified());
        });
    }

    /**
     * One rule for every call on a single object: "no such key" (also as a bare 404, which HEAD
     * answers without a body) is an empty result; anything else S3 or the network says is a
     * {@link StorageException} naming the object and what was being done.
     */
    private <T> Optional<T> ifExists(String doing, String key, java.util.function.Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new StorageException(doing + " s3://" + bucket + "/" + key + " failed: " + reason(e), e);
        } catch (SdkException e) {
            throw new StorageException(doing + " s3://" + bucket + "/" + key + " failed: " + reason(e), e);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new StorageException("s3://" + bucket + "/" + key + " does not exist", e);
        } catch (SdkException e) {
            throw new StorageException("Reading s3://" + bucket + "/" + key + " failed: " + reason(e), e);
        }
    }

    @Override
    public Optional<OpenObject> openIfExists(String key) {
        return ifExists("Reading", key, () -> {
            var in = s3.getObject(b -> b.bucket(bucket).key(key));
            return new OpenObject(in, in.response().contentLength());
        });
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new StorageException("Deleting s3://" + bucket + "/" + key + " failed: " + reason(e), e);
        }
    }

    @Override
    public boolean touch(String key) {
        Optional<StoredObject> current = head(key);
        if (current.isEmpty()) {
            return false;
        }
        StoredObject o = current.get();
        // S3 refuses a copy onto itself unless something changes: REPLACE with the same metadata
        // and type is that "change", and it gives the object a new last-modified time.
        return ifExists("Refreshing", key, () -> s3.copyObject(b -> {
            b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE)
                    .metadata(o.sha256() == null ? Map.of() : Map.of(SHA256_METADATA, o.sha256()));
            if (o.contentType() != null) {
                b.contentType(o.contentType());
            }
        })).isPresent();
    }

    /** Every object below {@code prefix}, with size and last-modified time (no user metadata: LIST does not return it). */
    @Override
    public java.util.List<StoredObject> list(String prefix) {
        java.util.List<StoredObject> out = new java.util.ArrayList<>();
        try {
            for (var o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                out.add(new StoredObject(o.key(), o.size(), null, null, o.lastModified()));
            }
        } catch (SdkException e) {
            throw new StorageException("Listing s3://" + bucket + "/" + prefix + " failed: " + reason(e), e);
        }
        return out;
    }

    /** A multipart upload that was started and neither completed nor aborted: invisible, but its parts are stored and billed. */
    public record PendingUpload(String key, String uploadId, java.time.Instant initiated) {}

    /** The multipart uploads below {@code prefix} that are still open. */
    public java.util.List<PendingUpload> pendingUploads(String prefix) {
        java.util.List<PendingUpload> out = new java.util.ArrayList<>();
        try {
            for (var u : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads()) {
                out.add(new PendingUpload(u.key(), u.uploadId(), u.initiated()));
            }
        } catch (SdkException e) {
            throw new StorageException("Listing the open multipart uploads of s3://" + bucket + "/" + prefix + " failed: " + reason(e), e);
        }
        return out;
    }

    /** Aborts an open multipart upload; its parts go, and no object ever appears. */
    public void abort(PendingUpload upload) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
        } catch (SdkException e) {
            throw new StorageException("Aborting the multipart upload of s3://" + bucket + "/" + upload.key() + " failed: " + reason(e), e);
        }
    }

    static String reason(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
