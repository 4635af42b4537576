package io.pypub.core.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** The object store holding distribution files, their metadata files and docs. */
public interface ArtifactStore {

    /** Uploads a file, lets the store verify it in transit and checks what landed; returns its digest. */
    FileDigest put(String key, Path file, String contentType);

    FileDigest put(String key, byte[] bytes, String contentType);

    Optional<StoredObject> head(String key);

    /** Opens an object for streaming; the caller closes the stream. */
    InputStream open(String key);

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
