package io.pypub.server.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded directory of package files named by their sha256, so downloads of hot files do not go to S3.
 * Safe without any coherence protocol because storage is content-addressed (docs/ARCHITECTURE.md, "Storage
 * contract"): the bytes of a sha256 never change, so a cached copy can only be right or absent. The instance
 * stays stateless: the directory is a cache that any instance may lose at any time.
 *
 * <p>A file enters the cache only after its bytes, streamed from S3 to a client, matched the size and sha256
 * of the release record; it is written to a unique temporary name and renamed into place, so a reader never
 * sees a partial file. One request at a time fills a given file (the others stream from S3 meanwhile).
 * Eviction (least recently served first) deletes names only: a file being served keeps its open descriptor
 * and is read to its end.
 */
public final class BlobCache {
    private static final Logger LOG = LoggerFactory.getLogger(BlobCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final long maxBytes;
    /** What the directory holds, by sha256, with the last time each was served (for eviction). */
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Set<String> filling = ConcurrentHashMap.newKeySet();
    private final AtomicLong total = new AtomicLong();
    private volatile boolean scanned;
    private Counter hits;
    private Counter misses;
    private Counter hitBytes;

    private static final class Entry {
        final long size;
        volatile long lastUsed;

        Entry(long size, long lastUsed) {
            this.size = size;
            this.lastUsed = lastUsed;
        }
    }

    private BlobCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /**
     * A cache in {@code dir} (created owner-only) holding at most {@code maxBytes}, or null when {@code maxBytes}
     * is 0 or the directory cannot be used safely (then downloads stream from S3 as without a cache).
     */
    public static BlobCache open(Path dir, long maxBytes) {
        if (maxBytes <= 0 || dir == null) {
            return null;
        }
        String problem = prepare(dir);
        if (problem != null) {
            LOG.warn("Download cache off: {}", problem);
            return null;
        }
        return new BlobCache(dir.toAbsolutePath(), maxBytes);
    }

    /** Creates {@code dir} owner-only if it is missing; null when the cache can use it, else why not. */
    public static String prepare(Path dir) {
        Path d = dir.toAbsolutePath();
        try {
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d);
                if (d.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(d, OWNER_ONLY);
                }
            }
            // The cache serves what it holds without hashing it again: a directory others may write is refused.
            if (d.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d);
                if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)
                        || !ownedByUs(d)) {
                    return d + " is writable by others or not ours (make it owner-only: chmod 700)";
                }
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot use " + d + ": " + e;
        }
    }

    /** Whether files this process creates have the directory's owner (it may be another user's, in /tmp). */
    private static boolean ownedByUs(Path d) throws IOException {
        Path probe = Files.createTempFile(d, ".owner-", ".tmp");
        try {
            return Files.getOwner(probe).equals(Files.getOwner(d));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** The default directory: {@code $XDG_CACHE_HOME/pypub/downloads}, else {@code ~/.cache/pypub/downloads}. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("pypub").resolve("downloads");
    }

    /** Counts hits, misses and bytes served from the cache on the index's registry. */
    void bindTo(MeterRegistry registry) {
        hits = Counter.builder("pypub.download.cache").description("Downloads by download cache result").tag("result", "hit")
                .register(registry);
        misses = Counter.builder("pypub.download.cache").description("Downloads by download cache result").tag("result", "miss")
                .register(registry);
        hitBytes = Counter.builder("pypub.download.cache.served").baseUnit("bytes").description("Bytes served from the download cache")
                .register(registry);
        Gauge.builder("pypub.download.cache.size", total, AtomicLong::get).baseUnit("bytes")
                .description("Bytes in the download cache").register(registry);
    }

    public Path dir() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The cached file of {@code sha256}, opened (so eviction cannot take it away mid-response), or null when it is not
     * cached. A file of another size than the record's is dropped, not served.
     */
    public FileChannel openIfCached(String sha256, long size) {
        if (!SHA256.matcher(sha256).matches()) {
            return null;
        }
        scanOnce();
        Entry e = entries.get(sha256);
        if (e == null) {
            count(misses);
            return null;
        }
        try {
            FileChannel channel = FileChannel.open(path(sha256), StandardOpenOption.READ);
            if (channel.size() != size || e.size != size) {
                channel.close();
                LOG.warn("Download cache: {} has {} bytes, its record says {}; dropped", sha256, e.size, size);
                remove(sha256);
                count(misses);
                return null;
            }
            e.lastUsed = System.nanoTime();
            count(hits);
            if (hitBytes != null) {
                hitBytes.increment(size);
            }
            return channel;
        } catch (NoSuchFileException gone) {
            remove(sha256); // deleted behind our back (another instance sharing the directory, an operator)
            count(misses);
            return null;
        } catch (IOException ex) {
            LOG.warn("Download cache: reading {} failed: {}", sha256, ex.toString());
            count(misses);
            return null;
        }
    }

    /**
     * {@code fromS3} as it is, or wrapped so that its bytes also go to a temporary file that becomes the cache's copy
     * once all {@code size} bytes were read and their sha256 matched. On a mismatch the read that would complete the
     * body fails instead, so the client gets a cut-off response, never a full body of the wrong bytes, and nothing is
     * cached.
     */
    public InputStream filling(String sha256, long size, InputStream fromS3) {
        if (!SHA256.matcher(sha256).matches() || size < 0 || size > maxBytes / 2 || !filling.add(sha256)) {
            return fromS3; // larger than half the cache (it would evict everything else), or another request is filling it
        }
        try {
            Path tmp = Files.createTempFile(dir, ".fill-", ".tmp");
            return new Tee(fromS3, sha256, size, tmp, Files.newOutputStream(tmp, StandardOpenOption.WRITE));
        } catch (IOException e) {
            filling.remove(sha256);
            LOG.warn("Download cache: cannot write to {}: {}", dir, e.toString());
            return fromS3;
        }
    }

    private Path path(String sha256) {
        return dir.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private static void count(Counter c) {
        if (c != null) { // null until bound to a registry
            c.increment();
        }
    }

    private void remove(String sha256) {
        Entry e = entries.remove(sha256);
        if (e != null) {
            total.addAndGet(-e.size);
        }
        try {
            Files.deleteIfExists(path(sha256));
        } catch (IOException ex) {
            LOG.debug("Download cache: deleting {}", sha256, ex);
        }
    }

    /** Files of an earlier run count too (they were verified before they were renamed into place). Once, lazily. */
    private void scanOnce() {
        if (scanned) {
            return;
        }
        synchronized (this) {
            if (scanned) {
                return;
            }
            try (var walk = Files.walk(dir, 2)) {
                long now = System.nanoTime();
                walk.filter(Files::isRegularFile).forEach(p -> {
                    String name = p.getFileName().toString();
                    try {
                        if (SHA256.matcher(name).matches() && p.getParent().getFileName().toString().equals(name.substring(0, 2))) {
                            long size = Files.size(p);
                            if (entries.putIfAbsent(name, new Entry(size, now)) == null) {
                                total.addAndGet(size);
                            }
                        } else if (name.startsWith(".fill-")) {
                            Files.deleteIfExists(p); // left by a process that stopped mid-fill
                        }
                    } catch (IOException e) {
                        LOG.debug("Download cache: scanning {}", p, e);
                    }
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.warn("Download cache: cannot list {}: {}", dir, e.toString());
            }
            scanned = true;
        }
        evict();
    }

    /** Publishes a verified temporary file under its sha256 and evicts the least recently served files over the limit. */
    private void publish(String sha256, long size, Path tmp) throws IOException {
        Path target = path(sha256);
        Files.createDirectories(target.getParent());
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            return;
        }
        if (entries.putIfAbsent(sha256, new Entry(size, System.nanoTime())) == null) {
            total.addAndGet(size);
        }
        evict();
    }

    private synchronized void evict() {
        if (total.get() <= maxBytes) {
            return;
        }
        List<Map.Entry<String, Entry>> oldestFirst = new ArrayList<>(entries.entrySet());
        oldestFirst.sort((a, b) -> Long.compare(a.getValue().lastUsed, b.getValue().lastUsed));
        for (Map.Entry<String, Entry> e : oldestFirst) {
            if (total.get() <= maxBytes) {
                break;
            }
            remove(e.getKey());
        }
    }

    /** Copies what the client reads to a temporary file and checks size and sha256 before the last bytes go out. */
    private final class Tee extends FilterInputStream {
        private final String sha256;
        private final long size;
        private final Path tmp;
        private OutputStream copy;
        private final MessageDigest digest;
        private long count;
        private boolean done;

        Tee(InputStream in, String sha256, long size, Path tmp, OutputStream copy) {
            super(in);
            this.sha256 = sha256;
            this.size = size;
            this.tmp = tmp;
            this.copy = copy;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n <= 0 || done) {
                return n;
            }
            count += n;
            digest.update(b, off, n);
            if (copy != null) {
                try {
                    copy.write(b, off, n);
                } catch (IOException e) {
                    LOG.warn("Download cache: writing {} failed: {}", tmp, e.toString());
                    abandon(); // a full disk costs the cache, never the download
                }
            }
            if (count >= size) {
                done = true;
                String found = HexFormat.of().formatHex(digest.digest());
                if (count != size || !found.equals(sha256)) {
                    abandon();
                    filling.remove(sha256);
                    LOG.error("Integrity error: the stored file of sha256 {} has {} bytes of sha256 {}; not served, not cached",
                            sha256, count, found);
                    throw new IOException("stored file does not match its record (sha256 " + sha256 + ")");
                }
                if (copy != null) {
                    copy.close();
                    copy = null;
                    try {
                        publish(sha256, size, tmp);
                    } catch (IOException e) {
                        LOG.warn("Download cache: publishing {} failed: {}", sha256, e.toString());
                        Files.deleteIfExists(tmp);
                    }
                }
                filling.remove(sha256);
            }
            return n;
        }

        private void abandon() {
            if (copy != null) {
                try {
                    copy.close();
                } catch (IOException e) {
                    LOG.debug("closing {}", tmp, e);
                }
                copy = null;
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.debug("deleting {}", tmp, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (!done) { // the client went away before the end: nothing verified, nothing cached
                    abandon();
                    filling.remove(sha256);
                }
            }
        }
    }
}
