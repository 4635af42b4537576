package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StoredObject;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.version.Version;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Routing and the guard in-process: {@link IndexService} over {@link IndexStorage}, with test doubles of pypub's
 * own storage interfaces (a map of records, a map of objects). What needs no S3 or DynamoDB API is checked here in
 * milliseconds, including failures a real backend cannot be made to show on demand (an object gone under its
 * record, a store that is down); the same routes against the real APIs are the contract tests (IndexPagesTest,
 * IndexIntegrityTest, LambdaIndexTest, ...).
 */
class IndexInProcessTest {
    private static final Stage DEV = Stage.of("dev");
    private static final byte[] SDIST = "hello sdist bytes".getBytes(StandardCharsets.UTF_8);
    private static final String SHA = FileDigest.sha256Hex(SDIST);
    private static final String KEY = new StorageLayout("").blobKey(SHA);
    private static final String FILE = "hello_package-1.0.tar.gz";

    private final MemoryTable table = new MemoryTable();
    private final MemoryStore files = new MemoryStore("files-bucket");
    private final List<String> presigned = new ArrayList<>();

    IndexInProcessTest() {
        files.objects.put(KEY, SDIST);
        table.add(new Release(DEV, "hello-package", "Hello-Package", Version.parse("1.0"),
                List.of(new ReleaseFile(FILE, KEY, SHA, SDIST.length, ">=3.9", Instant.now(), null, PackageType.SDIST)),
                null, false, null, "alice", "abc123", "Says hello", Instant.now()));
    }

    private IndexService index(IndexSettings.DownloadMode mode) {
        Presigner presigner = (bucket, key, disposition, ttl) -> {
            presigned.add(bucket + " " + key + " " + disposition + " " + ttl.toSeconds());
            return "https://store.example/" + bucket + "/" + key + "?signed";
        };
        return new IndexService(new IndexStorage(table, files, new MemoryStore("docs-bucket"), "", presigner),
                new IndexSettings(mode, Duration.ofMinutes(5), Duration.ofSeconds(1)), RequestGuard.open());
    }

    private static IndexRequest get(String path, Map<String, String> query) {
        return new IndexRequest("GET", path, query, Map.of("Accept", "text/html"), "127.0.0.1");
    }

    private static String text(IndexResponse response) throws IOException {
        if (!response.isStream()) {
            return new String(response.body(), StandardCharsets.UTF_8);
        }
        try (InputStream in = response.stream().open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theSimplePageLinksTheRecordedFileWhoseBytesDownloadUnderItsName() throws IOException {
        IndexService index = index(IndexSettings.DownloadMode.STREAM);

        IndexResponse page = index.handle(get("/dev/simple/hello-package/", Map.of()));
        assertThat(page.status()).isEqualTo(200);
        assertThat(text(page)).contains(FILE).contains("#sha256=" + SHA);

        IndexResponse download = index.handle(get("/dev/files/hello-package/1.0/" + FILE, Map.of()));
        assertThat(download.status()).isEqualTo(200);
        assertThat(text(download)).isEqualTo("hello sdist bytes");
        assertThat(download.header("Content-Disposition")).isEqualTo("attachment; filename=\"" + FILE + "\"");

        IndexResponse other = index.handle(get("/dev/simple/Hello_Package/", Map.of("key", "k1")));
        assertThat(other.status()).isEqualTo(301);
        assertThat(other.header("Location")).isEqualTo("/dev/simple/hello-package/?key=k1");
        assertThat(index.handle(get("/dev/files/hello-package/1.0/hello_package-1.0.zip", Map.of())).status()).isEqualTo(404);
        assertThat(index.handle(get("/dev/files/hello-package/1.0/" + FILE + ".metadata", Map.of())).status())
                .as("no PEP 658 metadata recorded").isEqualTo(404);
    }

    @Test
    void aFileWhoseObjectIsGoneOrDiffersIsA404NeverOtherBytes() throws IOException {
        IndexService index = index(IndexSettings.DownloadMode.STREAM);

        files.objects.put(KEY, "other bytes, other length".getBytes(StandardCharsets.UTF_8));
        IndexResponse differs = index.handle(get("/dev/files/hello-package/1.0/" + FILE, Map.of()));
        files.objects.remove(KEY);
        IndexResponse gone = index.handle(get("/dev/files/hello-package/1.0/" + FILE, Map.of()));

        for (IndexResponse r : List.of(differs, gone)) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(text(r)).isEqualTo("Not found: the stored file is not available\n");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    @Test
    void redirectModeAnswersWithAPresignedLinkThatNamesTheFile() {
        IndexResponse r = index(IndexSettings.DownloadMode.REDIRECT).handle(get("/dev/hello-package/latest", Map.of()));

        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("https://store.example/files-bucket/" + KEY + "?signed");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(presigned).containsExactly("files-bucket " + KEY + " attachment; filename=\"" + FILE + "\" 300");
    }

    @Test
    void theGuardRefusesBadInputBeforeTheIndexReadsAnything() throws IOException {
        IndexService index = index(IndexSettings.DownloadMode.STREAM);

        IndexResponse dots = index.handle(get("/dev/simple/../../etc/passwd", Map.of()));
        IndexResponse control = index.handle(get("/dev/simple/hello\u0007/", Map.of()));
        IndexResponse post = index.handle(new IndexRequest("POST", "/dev/simple/", Map.of(), Map.of(), "127.0.0.1"));

        assertThat(dots.status()).isEqualTo(400);
        assertThat(control.status()).isEqualTo(400);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(List.of(dots, control, post)).allSatisfy(r -> assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff"));
        assertThat(table.reads).as("refused before any table read").hasValue(0);
        assertThat(files.reads).hasValue(0);
    }

    @Test
    void aStoreThatIsDownMakesTheIndexNotReadyAndDownloadsA503() {
        IndexService index = index(IndexSettings.DownloadMode.STREAM);
        assertThat(index.handle(get("/readyz", Map.of())).status()).isEqualTo(200);

        files.down = true;
        IndexResponse download = index.handle(get("/dev/files/hello-package/1.0/" + FILE, Map.of()));
        IndexService fresh = index(IndexSettings.DownloadMode.STREAM);

        assertThat(download.status()).isEqualTo(503);
        assertThat(download.header("Retry-After")).isEqualTo("5");
        assertThat(fresh.handle(get("/readyz", Map.of())).status()).isEqualTo(503);
    }

    @Test
    void aBigRootListingGoesOutWholeOnEveryRequestPlainAndGzipped() throws Exception {
        for (int i = 0; i < 1_000; i++) { // about 38 KB of HTML: kept in direct memory (KeptBytes), gzip on the heap
            String name = String.format("lib-%04d", i);
            table.add(new Release(DEV, name, name, Version.parse("1.0"), List.of(new ReleaseFile(name + "-1.0.tar.gz", KEY, SHA,
                    SDIST.length, null, Instant.now(), null, PackageType.SDIST)), null, false, null, "alice", null, null, Instant.now()));
        }
        IndexService service = index(IndexSettings.DownloadMode.STREAM);
        byte[] expected = service.handle(get("/dev/simple/", Map.of())).body();
        assertThat(new String(expected, StandardCharsets.UTF_8)).contains("<a href=\"lib-0999/\">lib-0999</a>");
        assertThat(expected.length).isGreaterThan(KeptBytes.DIRECT_MIN_BYTES);
        try (var server = new io.pypub.server.http.IndexServer(service, "127.0.0.1", 0).start()) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.net.URI root = server.localUrl().resolve("/dev/simple/");
            for (int i = 0; i < 3; i++) { // every response sends the whole page, not what an earlier one left of a shared buffer
                var plain = http.send(java.net.http.HttpRequest.newBuilder(root).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(plain.body()).isEqualTo(expected);
                assertThat(plain.headers().firstValue("Content-Length")).hasValue(String.valueOf(expected.length));
                var gz = http.send(java.net.http.HttpRequest.newBuilder(root).header("Accept-Encoding", "gzip").build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
                try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
                    assertThat(in.readAllBytes()).isEqualTo(expected);
                }
            }
        }
    }

    /** Releases in a map; only the reads the index makes, counted. */
    static final class MemoryTable implements VersionTable {
        final Map<String, List<Release>> releases = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        void add(Release r) {
            releases.computeIfAbsent(r.stage().name() + "#" + r.project(), k -> new ArrayList<>()).add(r);
        }

        @Override
        public Optional<Release> release(Stage stage, String project, Version version) {
            return releases(stage, project).stream().filter(r -> r.version().equals(version)).findFirst();
        }

        @Override
        public List<Release> releases(Stage stage, String project) {
            reads.incrementAndGet();
            return List.copyOf(releases.getOrDefault(stage.name() + "#" + project, List.of()));
        }

        @Override
        public Optional<LatestPointer> latest(Stage stage, String project) {
            reads.incrementAndGet();
            return releases.getOrDefault(stage.name() + "#" + project, List.of()).stream().filter(r -> !r.yanked())
                    .max((a, b) -> a.version().compareTo(b.version()))
                    .map(r -> new LatestPointer(r.version().normalized(), r.primaryFile().objectKey(), r.publishedAt(), false, null));
        }

        @Override
        public io.pypub.core.storage.StageGeneration generation(Stage stage) {
            return io.pypub.core.storage.StageGeneration.none(); // releases are added before the index reads any
        }

        @Override
        public List<ProjectEntry> projects(Stage stage) {
            reads.incrementAndGet();
            return releases.values().stream().map(l -> l.get(0)).filter(r -> r.stage().equals(stage))
                    .map(r -> new ProjectEntry(r.project(), r.displayName(), r.version().normalized(), r.publishedAt(), r.summary()))
                    .toList();
        }

        @Override
        public Optional<Stage> promotedFrom(Stage stage, String project, Version version) {
            reads.incrementAndGet();
            return Optional.empty();
        }

        @Override
        public List<Stage> stages() {
            return releases.values().stream().map(l -> l.get(0).stage()).distinct().toList();
        }

        // The index never writes through the table (uploads are not part of these tests).
        @Override
        public RecordOutcome record(Release release, boolean overwrite) {
            throw new UnsupportedOperationException("record");
        }

        @Override
        public RecordOutcome recordReplacing(Release release, Release expected) {
            throw new UnsupportedOperationException("recordReplacing");
        }

        @Override
        public LatestChange pin(Stage stage, String project, Version version, String reason) {
            throw new UnsupportedOperationException("pin");
        }

        @Override
        public LatestChange unpin(Stage stage, String project) {
            throw new UnsupportedOperationException("unpin");
        }

        @Override
        public LatestChange setYanked(Stage stage, String project, Version version, boolean yanked, String reason) {
            throw new UnsupportedOperationException("setYanked");
        }

        @Override
        public RecordOutcome recordPromotion(Release release, Stage promotedFrom) {
            throw new UnsupportedOperationException("recordPromotion");
        }

        @Override
        public RecordOutcome recordPromotion(Release release, Release source) {
            throw new UnsupportedOperationException("recordPromotion");
        }

        @Override
        public void deleteRelease(Stage stage, String project, Version version) {
            throw new UnsupportedOperationException("deleteRelease");
        }
    }

    /** Objects in a map; {@code down} makes every call fail as an unreachable store does. */
    static final class MemoryStore implements ArtifactStore {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        final String bucket;
        volatile boolean down;

        MemoryStore(String bucket) {
            this.bucket = bucket;
        }

        private byte[] get(String key) {
            reads.incrementAndGet();
            if (down) {
                throw new StorageException("Reading s3://" + bucket + "/" + key + " failed: connection refused");
            }
            return objects.get(key);
        }

        @Override
        public String bucket() {
            return bucket;
        }

        @Override
        public Optional<StoredObject> head(String key) {
            byte[] bytes = get(key);
            return bytes == null ? Optional.empty()
                    : Optional.of(new StoredObject(key, bytes.length, FileDigest.sha256Hex(bytes), "application/octet-stream"));
        }

        @Override
        public Optional<OpenObject> openIfExists(String key) {
            byte[] bytes = get(key);
            return bytes == null ? Optional.empty() : Optional.of(new OpenObject(new ByteArrayInputStream(bytes), bytes.length));
        }

        @Override
        public InputStream open(String key) {
            return openIfExists(key).orElseThrow(() -> new StorageException("s3://" + bucket + "/" + key + " does not exist")).body();
        }

        @Override
        public FileDigest put(String key, byte[] bytes, String contentType) {
            objects.put(key, bytes.clone());
            return FileDigest.of(bytes);
        }

        @Override
        public FileDigest put(String key, Path file, String contentType) {
            try {
                return put(key, Files.readAllBytes(file), contentType);
            } catch (IOException e) {
                throw new StorageException("Reading " + file + " failed", e);
            }
        }

        @Override
        public void delete(String key) {
            objects.remove(key);
        }

        @Override
        public List<StoredObject> list(String prefix) {
            return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> new StoredObject(e.getKey(), e.getValue().length, null, null)).toList();
        }
    }
}
