package io.pypub.core.docs;

import io.pypub.core.error.PublishException;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.util.DaemonThreads;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Uploads a docs folder to {@code docs/{stage}/{project}/{version}/} with each object's real
 * Content-Type. Docs are many small files, so they go up in parallel on a bounded pool (the S3
 * client is thread-safe): one of its own, or the pool a publish shares with its distribution files.
 * Progress is logged from the calling thread only, so the log needs no locking.
 */
public final class DocsUploader {
    /**
     * Puts in flight at once. Each put is one round trip of a few milliseconds to tens of them and almost no CPU here,
     * so the pool is sized for latency, not cores (see docs/ARCHITECTURE.md, Benchmarks: upload).
     */
    public static final int DEFAULT_THREADS = 16;
    private static final int MAX_KEY_BYTES = 1024; // S3's limit

    private final ArtifactStore store;
    private final StorageLayout layout;
    private final int threads;
    /** The caller's pool (not shut down here), or null for one of {@code threads} per upload. */
    private final ExecutorService shared;

    public DocsUploader(ArtifactStore docsStore, StorageLayout layout) {
        this(docsStore, layout, DEFAULT_THREADS);
    }

    /** Puts on {@code pool}, which the caller owns and may be using for other uploads at the same time. */
    public DocsUploader(ArtifactStore docsStore, StorageLayout layout, ExecutorService pool) {
        this.store = docsStore;
        this.layout = layout;
        this.threads = 0;
        this.shared = pool;
    }

    public DocsUploader(ArtifactStore docsStore, StorageLayout layout, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.store = docsStore;
        this.layout = layout;
        this.threads = threads;
        this.shared = null;
    }

    /** Uploads every file under {@code docsDir} to a new docs prefix of the release (one per publish). */
    public UploadedDocs upload(Path docsDir, Stage stage, String project, Version version, PublishLog log) {
        return uploadTo(docsDir, layout.newDocsPrefix(stage, project, version), log);
    }

    /** Uploads every file under {@code docsDir} below {@code prefix} (which ends with '/'). */
    public UploadedDocs uploadTo(Path docsDir, String prefix, PublishLog log) {
        List<DocFile> files = list(docsDir, prefix);
        if (files.isEmpty()) {
            throw new PublishException("The docs folder " + docsDir + " has no files to upload.");
        }
        log.info("Uploading " + files.size() + " docs files to " + prefix + " ...");
        if (shared != null) {
            return uploadOn(shared, files, prefix, log);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, files.size()), DaemonThreads.numbered("docs-upload"));
        try {
            return uploadOn(pool, files, prefix, log);
        } finally {
            pool.shutdownNow();
        }
    }

    private UploadedDocs uploadOn(ExecutorService pool, List<DocFile> files, String prefix, PublishLog log) {
        CompletionService<FileDigest> done = new ExecutorCompletionService<>(pool);
        List<Future<FileDigest>> puts = new ArrayList<>(files.size());
        try {
            for (DocFile f : files) {
                puts.add(done.submit(() -> store.put(f.key(), f.path(), f.contentType())));
            }
            long bytes = 0;
            // about ten progress lines for a large site, just the last one for a small one
            int step = files.size() <= 10 ? files.size() : (files.size() + 9) / 10;
            for (int i = 1; i <= files.size(); i++) {
                bytes += take(done).size();
                if (i % step == 0 || i == files.size()) {
                    log.info("uploaded " + i + "/" + files.size() + " docs files");
                }
            }
            log.info("Uploaded docs: " + files.size() + " files, " + bytes + " bytes, under " + prefix);
            return new UploadedDocs(prefix, files.size(), bytes);
        } catch (RuntimeException e) {
            puts.forEach(p -> p.cancel(true)); // after a failure, stop the uploads still queued
            throw e;
        }
    }

    private static FileDigest take(CompletionService<FileDigest> done) {
        try {
            return done.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted while uploading the docs", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re; // StorageException already names the key and the reason
            }
            throw new PublishException("Uploading the docs failed: " + cause, cause);
        }
    }

    private record DocFile(Path path, String key, String contentType) {}

    private static List<DocFile> list(Path docsDir, String prefix) {
        if (!Files.isDirectory(docsDir)) {
            throw new PublishException("The docs folder " + docsDir + " does not exist.");
        }
        List<DocFile> files = new ArrayList<>();
        Path root;
        try {
            root = docsDir.toRealPath(); // the folder itself may be a link; links inside it are refused below
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the docs folder " + docsDir + ": " + e.getMessage(), e);
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted().toList()) {
                if (Files.isSymbolicLink(p)) {
                    // What a link points to may be anywhere on the agent; never publish it.
                    throw new PublishException("The docs folder contains a symbolic link, " + root.relativize(p)
                            + "; refusing to upload it.");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    String relative = relativeKey(root, p);
                    files.add(new DocFile(p, key(prefix, relative), ContentTypes.forFileName(relative)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the docs folder " + root + ": " + e.getMessage(), e);
        }
        return files;
    }

    /** The file's path below the docs folder with '/' separators, every segment checked. */
    static String relativeKey(Path root, Path file) {
        Path rel = root.relativize(file);
        List<String> segments = new ArrayList<>();
        for (Path part : rel) {
            String s = part.toString();
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0
                    || s.chars().anyMatch(Character::isISOControl)) {
                throw new PublishException("Unsafe docs file name '" + ProjectName.printable(rel.toString())
                        + "'; refusing to upload it.");
            }
            segments.add(s);
        }
        return String.join("/", segments);
    }

    private static String key(String prefix, String relative) {
        String key = prefix + relative;
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new PublishException("Docs file name too long for S3: " + ProjectName.printable(relative));
        }
        return key;
    }
}
