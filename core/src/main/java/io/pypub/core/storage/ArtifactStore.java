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
}
