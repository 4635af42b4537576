package io.pypub.core.publish;

import io.pypub.core.docs.DocsUploader;
import io.pypub.core.inspect.InspectedDistribution;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StoredObject;
import io.pypub.core.storage.StreamingBlobUpload;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.util.DaemonThreads;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one write path of a release, shared by publish, import (and an upload API): upload new,
 * immutable, content-addressed objects, then point the record at them in one conditional
 * transaction. Nothing is ever written to a key that a record references with other bytes (other
 * bytes have another key), so a crash at any moment leaves at most unreferenced objects, which
 * the collector removes; and the loser of a race fails at the record step having changed nothing
 * anyone can see.
 *
 * <p>Use one writer per release write: it remembers the local bytes of what it uploaded, so that
 * after recording it can check every referenced object is still there and put back one that a
 * collector removed in the instant between its last check and the upload (see docs/ARCHITECTURE.md).
 */
public final class ReleaseWriter {
    static final String DIST_CONTENT_TYPE = "application/octet-stream";
    static final String METADATA_CONTENT_TYPE = "text/plain; charset=utf-8";

    private final ArtifactStore store;
    private final ArtifactStore docsStore;
    private final VersionTable versions;
    private final StorageLayout layout;
    /** Object key -> how to put its bytes again (written by the upload pool's threads). */
    private final Map<String, Runnable> uploaded = new ConcurrentHashMap<>();
    /** HEADs at once when checking the recorded objects: a release has a few files, each with its metadata. */
    private static final int CHECK_THREADS = 8;

    public ReleaseWriter(ArtifactStore store, ArtifactStore docsStore, VersionTable versions, StorageLayout layout) {
        this.store = store;
        this.docsStore = docsStore;
        this.versions = versions;
        this.layout = layout;
    }

    /**
     * Uploads one distribution (and its PEP 658 metadata, when it has static metadata) to its
     * content-addressed keys; the store refuses bytes that do not match their digest. Uploading bytes that are already there is
     * harmless (same key, same bytes) and refreshes the object's time, which keeps the collector off it.
     */
    public ReleaseFile upload(InspectedDistribution d, Instant uploadTime, PublishLog log) {
        return upload(d, uploadTime, log, null, null);
    }

    /**
     * {@link #upload(InspectedDistribution, Instant, PublishLog)} of a file whose digest is already known
     * ({@code received}, computed as its bytes arrived; null: hash the file), and that may already be on its way to
     * its key ({@code streamed}, null if not): then completing that upload is the write (see StreamingBlobUpload).
     */
    public ReleaseFile upload(InspectedDistribution d, Instant uploadTime, PublishLog log, FileDigest received,
            StreamingBlobUpload streamed) {
        ReleaseFile file = uploadNamed(d, uploadTime, received, streamed);
        logUploaded(file, log);
        return file;
    }

    /** What {@link #uploadAll} put: the release's files (in the order given) and its docs prefix (null: no docs). */
    public record Uploaded(List<ReleaseFile> files, String docsPrefix) {}

    /**
     * Uploads the distributions (each with its PEP 658 metadata) and the docs folder ({@code docsDir}, null: none) on one
     * pool of {@code threads}: the distributions are queued first, so the largest puts start at once and the docs' many
     * small ones fill the other threads, instead of the docs waiting for the files to finish.
     */
    public Uploaded uploadAll(List<InspectedDistribution> dists, Path docsDir, Stage stage, String project, Version version,
            Instant uploadTime, int threads, PublishLog log) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("release-upload"));
        try {
            log.info("Uploading " + String.join(", ", dists.stream().map(d -> d.filename().filename()).toList())
                    + (docsDir == null ? "" : " and the docs") + " to s3://" + store.bucket() + " ...");
            List<Future<ReleaseFile>> puts = new ArrayList<>();
            for (InspectedDistribution d : dists) {
                puts.add(pool.submit(() -> uploadNamed(d, uploadTime, null, null)));
            }
            String docsPrefix = docsDir == null ? null
                    : new DocsUploader(docsStore, layout, pool).uploadTo(docsDir, layout.newDocsPrefix(stage, project, version), log)
                            .prefix();
            List<ReleaseFile> files = new ArrayList<>();
            for (Future<ReleaseFile> put : puts) {
                ReleaseFile file = done(put, "uploading the release's files");
                logUploaded(file, log);
                files.add(file);
            }
            return new Uploaded(files, docsPrefix);
        } finally {
            pool.shutdownNow(); // after a failure, stop the puts still queued
        }
    }

    private static <T> T done(Future<T> call, String doing) {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while " + doing, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // already names the object and the reason
            }
            throw new StorageException(Character.toUpperCase(doing.charAt(0)) + doing.substring(1) + " failed: " + e.getCause(), e.getCause());
        }
    }

    private static void logUploaded(ReleaseFile f, PublishLog log) {
        log.info("Uploaded " + f.filename() + " (" + f.size() + " bytes, sha256 " + f.sha256() + ")");
    }

    private ReleaseFile uploadNamed(InspectedDistribution d, Instant uploadTime, FileDigest received, StreamingBlobUpload streamed) {
        try {
            return uploadOnce(d, uploadTime, received, streamed);
        } catch (StorageException e) {
            throw new StorageException("Uploading " + d.filename().filename() + ": " + e.getMessage(), e);
        }
    }

    private ReleaseFile uploadOnce(InspectedDistribution d, Instant uploadTime, FileDigest received, StreamingBlobUpload streamed) {
        String metadataSha = null;
        if (d.servesMetadata()) {
            byte[] raw = d.metadata().raw();
            String metadataKey = layout.blobKey(FileDigest.of(raw).sha256());
            Runnable putMetadata = () -> store.put(metadataKey, raw, METADATA_CONTENT_TYPE);
            metadataSha = store.put(metadataKey, raw, METADATA_CONTENT_TYPE).sha256();
            uploaded.put(metadataKey, putMetadata);
        }
        Path file = d.file();
        FileDigest landed;
        String key;
        if (received != null) {
            // Hashed once as it arrived, into a file only this request writes: no second pass over it.
            key = layout.blobKey(received.sha256());
            if (streamed != null && !streamed.key().equals(key)) {
                throw new IllegalArgumentException("streamed to " + streamed.key() + ", not " + key);
            }
            Optional<FileDigest> done = streamed == null ? Optional.empty() : streamed.complete(received);
            landed = done.isPresent() ? done.get() : store.put(key, file, received, DIST_CONTENT_TYPE);
            uploaded.put(key, () -> store.put(key, file, received, DIST_CONTENT_TYPE));
        } else {
            FileDigest local = FileDigest.of(file);
            key = layout.blobKey(local.sha256());
            landed = store.put(key, file, DIST_CONTENT_TYPE);
            if (!landed.sha256().equals(local.sha256())) {
                throw new UncheckedIOException(new IOException(file + " changed while it was uploaded; nothing was recorded. Run again."));
            }
            uploaded.put(key, () -> store.put(key, file, DIST_CONTENT_TYPE));
        }
        return new ReleaseFile(d.filename().filename(), key, landed.sha256(), landed.size(), d.metadata().requiresPython(),
                uploadTime, metadataSha, d.filename().type());
    }

    /** Uploads a docs folder below a prefix no other publish uses; returns the prefix to record. */
    public String uploadDocs(Path docsDir, Stage stage, String project, Version version, PublishLog log) {
        return new DocsUploader(docsStore, layout).uploadTo(docsDir, layout.newDocsPrefix(stage, project, version), log).prefix();
    }

    /**
     * Records {@code release} in place of exactly {@code expected} (null: the version must be absent),
     * then checks that every object the record references is there (putting back what this writer
     * uploaded if a collector removed it meanwhile).
     */
    public VersionTable.RecordOutcome record(Release release, Release expected, PublishLog log) {
        log.info("Recording " + release.project() + " " + release.version() + " in stage '" + release.stage() + "'"
                + (expected == null ? "" : " in place of the release published " + expected.publishedAt()) + " ...");
        VersionTable.RecordOutcome outcome = versions.recordReplacing(release, expected);
        log.info("Recorded " + release.displayName() + " " + release.version() + " in stage '" + release.stage() + "'.");
        checkReferencedObjects(release, log);
        return outcome;
    }

    private void checkReferencedObjects(Release release, PublishLog log) {
        List<String> keys = new ArrayList<>();
        for (ReleaseFile f : release.files()) {
            keys.add(f.objectKey());
            String metadata = StorageLayout.metadataKey(f);
            if (metadata != null) {
                keys.add(metadata);
            }
        }
        for (String key : missing(keys)) {
            Runnable again = uploaded.get(key);
            if (again == null) {
                throw new StorageException("The release is recorded but s3 object " + key + " is missing; restore it from a "
                        + "backup of the bucket or overwrite the release.");
            }
            log.warn("Object " + key + " was removed by a collector right after it was uploaded; putting it back.");
            again.run();
        }
    }

    /**
     * The keys S3 does not have, in the order given. The HEADs go out together: a release's few objects then cost one round
     * trip after the record instead of one each (four for an sdist and a wheel with their metadata).
     */
    private List<String> missing(List<String> keys) {
        if (keys.isEmpty()) {
            return keys;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(keys.size(), CHECK_THREADS), DaemonThreads.numbered("release-check"));
        try {
            List<Future<Optional<StoredObject>>> heads = new ArrayList<>();
            for (String key : keys) {
                heads.add(pool.submit(() -> store.head(key)));
            }
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (done(heads.get(i), "checking the recorded objects").isEmpty()) {
                    missing.add(keys.get(i));
                }
            }
            return missing;
        } finally {
            pool.shutdownNow();
        }
    }
}
