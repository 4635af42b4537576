package io.pypub.core.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** The object store holding distribution files, their metadata files and docs. */
public interface ArtifactStore {

    /** Uploads a file with its digest, which the store checks before it keeps the bytes (a mismatch stores nothing); returns the digest. */
    FileDigest put(String key, Path file, String contentType);

    FileDigest put(String key, byte[] bytes, String contentType);

    /**
     * {@link #put(String, Path, String)} of a file whose digest the caller computed as it wrote it (the upload API
     * hashes the body once, as it arrives): the store still refuses bytes that do not match it (Content-MD5).
     */
    default FileDigest put(String key, Path file, FileDigest digest, String contentType) {
        return put(key, file, contentType);
    }

    /**
     * Starts sending a body to {@code key} while it is being written to {@code file}, before it is all there
     * (see {@link StreamingBlobUpload}); empty when this store cannot, and the file is put after receipt.
     */
    default Optional<StreamingBlobUpload> streamTo(String key, String sha256, String contentType, Path file) {
        return Optional.empty();
    }

    Optional<StoredObject> head(String key);

    /** Opens an object for streaming; the caller closes the stream. */
    InputStream open(String key);

    /** An open object body and its length as the store reports it. */
    record OpenObject(InputStream body, long size) {}

    /**
     * Opens an object for reading now, so a missing object or an unreachable store is known before a
     * response is started: empty when the object does not exist, {@link StorageException} when the store
     * cannot be read. The caller closes the body.
     */
    Optional<OpenObject> openIfExists(String key);

    /** The bucket the keys are in (for log lines and presigned links). */
    String bucket();

    void delete(String key);

    /** Every object below {@code prefix} with size and last-modified time (no user metadata). */
    java.util.List<StoredObject> list(String prefix);

    /**
     * Rewrites an existing object's last-modified time without changing its bytes or metadata (a
     * server-side copy onto itself), so the collector sees it as new: done by writers that add a
     * reference to bytes that may have been unreferenced (restore). False if the object is gone.
     */
    default boolean touch(String key) {
        throw new UnsupportedOperationException("touch");
    }
}
