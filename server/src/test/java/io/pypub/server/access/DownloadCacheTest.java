package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.integrity.TinyDists;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, target 3: the download cache. Package files are content-addressed, so an instance keeps hot ones on its
 * disk by sha256 and serves them without S3; a file enters the cache only after its bytes matched the release record.
 * Each test runs a real index (with its own cache directory) over the embedded S3 and DynamoDB, and changes the S3
 * objects behind the index's back.
 */
class DownloadCacheTest {
    private static final Stage DEV = Stage.of("dev");
    private static AccessFixture index;
    private static List<ReleaseFile> hello;

    @BeforeAll
    static void publish() {
        index = new AccessFixture();
        hello = index.publish("hello-package", "dev").release().files();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static IndexServer serverWithCache(Path dir, long maxBytes) {
        IndexServer s = new IndexServer(new IndexService(index.deployment.clients(), IndexSettings.defaults().withDownloadCache(dir, maxBytes),
                RequestGuard.forDeployment(index.deployment.clients(), index.settings)), "127.0.0.1", 0).start();
        index.servers.add(s);
        return s;
    }

    private static ReleaseFile file(List<ReleaseFile> files, String suffix) {
        return files.stream().filter(f -> f.filename().endsWith(suffix)).findFirst().orElseThrow();
    }

    /** The download URL of a file of hello-package 0.1.0 or of tiny-cached (whose version is in the file name). */
    private static String url(ReleaseFile f) {
        if (f.filename().startsWith("hello")) {
            return "/dev/files/hello-package/0.1.0/" + f.filename();
        }
        String version = f.filename().replaceFirst("^tiny_cached-([0-9.]+?)(-py3.*\\.whl|\\.tar\\.gz)$", "$1");
        return "/dev/files/tiny-cached/" + version + "/" + f.filename();
    }

    /** The files the cache directory holds (by name), without temporary ones. */
    private static List<String> cached(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long cachedBytes(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void aCachedWheelInstallsWithPipAfterItsS3ObjectIsGoneAndIsStillAuditedAndCounted() throws Exception {
        Path dir = TestEnvironment.tempDir("dl-cache-").resolve("cache");
        IndexServer server = serverWithCache(dir, 1L << 30);
        // The objects are put back at the end, for the other tests.
        ReleaseFile wheel = file(hello, ".whl");
        ReleaseFile sdist = file(hello, ".tar.gz");
        byte[] wheelBytes = index.deployment.store().open(wheel.objectKey()).readAllBytes();
        byte[] sdistBytes = index.deployment.store().open(sdist.objectKey()).readAllBytes();
        String quotaKey = index.createKey("--client", "cache-quota", "--stages", "dev", "--daily", "2", "--rate", "0");
        String pipKey = index.createKey("--client", "cache-pip", "--stages", "dev");
        try {
            HttpResponse<byte[]> cold = index.get(server, url(wheel), "Authorization", "Bearer " + quotaKey);
            assertThat(cold.statusCode()).isEqualTo(200);
            assertThat(FileDigest.sha256Hex(cold.body())).isEqualTo(wheel.sha256());
            assertThat(cached(dir)).containsExactly(wheel.sha256());

            index.deployment.store().delete(wheel.objectKey());
            index.deployment.store().delete(sdist.objectKey());

            // From the cache: same bytes, audited with the key and the bytes sent, and counted against the quota.
            HttpResponse<byte[]> warm = index.get(server, url(wheel), "Authorization", "Bearer " + quotaKey);
            assertThat(warm.statusCode()).isEqualTo(200);
            assertThat(warm.body()).isEqualTo(cold.body());
            assertThat(warm.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains(wheel.filename()));
            awaitAuditLines(quotaKey, 2); // a streamed download's line is written when its body is done, as the client reads it
            assertThat(index.logs.audit()).filteredOn(a -> a.path("key_id").asText().equals(AccessFixture.keyId(quotaKey))
                    && a.path("path").asText().equals(url(wheel))).hasSize(2)
                    .allSatisfy(a -> {
                        assertThat(a.path("status").asInt()).isEqualTo(200);
                        assertThat(a.path("bytes").asLong()).isEqualTo(wheel.size());
                    });
            String metrics = new String(index.get(server, "/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("pypub_download_cache_total{result=\"hit\"} 1.0")
                    .contains("pypub_download_cache_total{result=\"miss\"} 1.0")
                    .contains("pypub_download_cache_served_bytes_total " + (double) wheel.size())
                    .contains("pypub_download_cache_size_bytes " + (double) wheel.size());
            HttpResponse<byte[]> over = index.get(server, url(wheel), "Authorization", "Bearer " + quotaKey);
            assertThat(over.statusCode()).as("the cached download counted against the daily quota of 2").isEqualTo(403);

            // pip installs the cached wheel although S3 no longer has it.
            AccessFixture.Run install = index.pip(index.env.freshClientVenv(), "install", "--no-deps", "--only-binary",
                    ":all:", "--index-url", AccessFixture.withKey(server, pipKey, "/dev/simple/"), "hello-package==0.1.0");
            assertThat(install.exitCode()).as(install.output()).isZero();
            assertThat(install.output()).contains("Successfully installed hello-package");

            // The sdist was never cached: today's honest answer, a 404 and an integrity error in the log.
            HttpResponse<byte[]> gone = index.get(server, url(sdist), "Authorization", "Bearer " + pipKey);
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(new String(gone.body(), StandardCharsets.UTF_8)).contains("the stored file is not available");
            assertThat(index.logs.all()).contains("Integrity error");
        } finally {
            index.deployment.store().put(wheel.objectKey(), wheelBytes, "application/octet-stream");
            index.deployment.store().put(sdist.objectKey(), sdistBytes, "application/octet-stream");
        }
    }

    @Test
    void aCorruptObjectIsNeitherServedAsGoodNorCached() throws Exception {
        Path dir = TestEnvironment.tempDir("dl-cache-").resolve("cache");
        IndexServer server = serverWithCache(dir, 1L << 30);
        List<ReleaseFile> files = publishTiny("3.0.0", "corrupt");
        ReleaseFile wheel = file(files, ".whl");
        byte[] good = index.deployment.store().open(wheel.objectKey()).readAllBytes();
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x5a; // same size, other bytes: only the sha256 tells
        index.deployment.store().put(wheel.objectKey(), bad, "application/octet-stream");
        String key = index.createKey("--client", "cache-corrupt", "--stages", "dev");
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r;
            try {
                r = index.get(server, url(wheel), "Authorization", "Bearer " + key);
            } catch (IOException cutOff) {
                continue; // the response ended before its Content-Length: the client knows it did not get the file
            }
            assertThat(r.statusCode() == 200 && r.body().length == wheel.size())
                    .as("a complete 200 of the corrupt bytes").isFalse();
        }
        assertThat(cached(dir)).isEmpty();
        assertThat(index.logs.all()).contains("Integrity error: the stored file of sha256 " + wheel.sha256());

        index.deployment.store().put(wheel.objectKey(), good, "application/octet-stream"); // repaired: served and cached
        HttpResponse<byte[]> repaired = index.get(server, url(wheel), "Authorization", "Bearer " + key);
        assertThat(repaired.statusCode()).isEqualTo(200);
        assertThat(repaired.body()).isEqualTo(good);
        assertThat(cached(dir)).containsExactly(wheel.sha256());
    }

    @Test
    void evictionKeepsTheDirectoryUnderItsLimitAndKeepsTheMostRecentlyServed() throws Exception {
        List<ReleaseFile> files = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            files.addAll(publishTiny("4." + v + ".0", "evict" + v));
        }
        long largest = files.stream().mapToLong(ReleaseFile::size).max().orElseThrow();
        long limit = 3 * largest;
        Path dir = TestEnvironment.tempDir("dl-cache-").resolve("cache");
        IndexServer server = serverWithCache(dir, limit);
        String key = index.createKey("--client", "cache-evict", "--stages", "dev");
        for (ReleaseFile f : files) {
            HttpResponse<byte[]> r = index.get(server, url(f), "Authorization", "Bearer " + key);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(FileDigest.sha256Hex(r.body())).isEqualTo(f.sha256());
            assertThat(cachedBytes(dir)).as("after " + f.filename()).isLessThanOrEqualTo(limit);
        }
        assertThat(cached(dir)).contains(files.get(files.size() - 1).sha256()).hasSizeLessThan(files.size());
        // Evicted files are fetched from S3 again, correctly.
        HttpResponse<byte[]> first = index.get(server, url(files.get(0)), "Authorization", "Bearer " + key);
        assertThat(FileDigest.sha256Hex(first.body())).isEqualTo(files.get(0).sha256());
        assertThat(cachedBytes(dir)).isLessThanOrEqualTo(limit);
    }

    @Test
    void concurrentColdRequestsLeaveOneCacheFileAndAllGetTheSameCorrectBytes() throws Exception {
        Path dir = TestEnvironment.tempDir("dl-cache-").resolve("cache");
        IndexServer server = serverWithCache(dir, 1L << 30);
        ReleaseFile wheel = file(publishTiny("5.0.0", "concurrent"), ".whl");
        String key = index.createKey("--client", "cache-concurrent", "--stages", "dev");
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                Callable<HttpResponse<byte[]>> get = () -> index.get(server, url(wheel), "Authorization", "Bearer " + key);
                all.add(pool.submit(get));
            }
            for (Future<HttpResponse<byte[]>> f : all) {
                HttpResponse<byte[]> r = f.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(FileDigest.sha256Hex(r.body())).isEqualTo(wheel.sha256());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cached(dir)).containsExactly(wheel.sha256());
    }

    @Test
    void aFileEvictedWhileItIsBeingServedIsStillServedToItsEnd() throws Exception {
        int big = 12 << 20; // more than the loopback socket buffers hold, so the server is still reading the file
        ReleaseFile first = publishLargeWheel("6.0.0", big);
        List<ReleaseFile> others = List.of(publishLargeWheel("6.1.0", big), publishLargeWheel("6.2.0", big));
        Path dir = TestEnvironment.tempDir("dl-cache-").resolve("cache");
        IndexServer server = serverWithCache(dir, 5L * big / 2);
        String key = index.createKey("--client", "cache-evict-serving", "--stages", "dev");
        assertThat(index.get(server, url(first), "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        assertThat(cached(dir)).containsExactly(first.sha256());

        java.net.http.HttpRequest slow = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.localUrl() + url(first)))
                .header("Authorization", "Bearer " + key).build();
        HttpResponse<java.io.InputStream> serving = index.http.send(slow, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = serving.body()) {
            byte[] start = body.readNBytes(64 * 1024);
            // Two more large files push the one being served out of the cache.
            for (ReleaseFile other : others) {
                assertThat(index.get(server, url(other), "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
            }
            assertThat(cached(dir)).doesNotContain(first.sha256());
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(start);
            long total = start.length;
            byte[] buf = new byte[1 << 16];
            for (int n; (n = body.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(first.size());
            assertThat(java.util.HexFormat.of().formatHex(sha.digest())).isEqualTo(first.sha256());
        }
        assertThat(cachedBytes(dir)).isLessThanOrEqualTo(5L * big / 2);
    }

    @Test
    void aDirectoryOthersCanWriteIsNotUsedAndDownloadsStillWork() throws Exception {
        Path dir = Files.createDirectories(TestEnvironment.tempDir("dl-cache-").resolve("shared"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(io.pypub.server.index.BlobCache.open(dir, 1L << 30)).as("a cache others could plant files in").isNull();
        IndexServer server = serverWithCache(dir, 1L << 30);
        ReleaseFile wheel = file(hello, ".whl");
        String key = index.createKey("--client", "cache-shared-dir", "--stages", "dev");
        HttpResponse<byte[]> r = index.get(server, url(wheel), "Authorization", "Bearer " + key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(FileDigest.sha256Hex(r.body())).isEqualTo(wheel.sha256());
        assertThat(cached(dir)).isEmpty();
        assertThat(index.logs.all()).contains("Download cache off: " + dir.toAbsolutePath() + " is writable by others");

        // Given explicitly to pypub serve, the same directory is an error before anything listens.
        AccessFixture.CliResult serve = index.cli(null, "serve", "--port", "0", "--download-cache-dir", dir.toString());
        assertThat(serve.exitCode()).isNotZero();
        assertThat(serve.stderr()).contains("--download-cache-dir").contains(dir.toAbsolutePath() + " is writable by others")
                .contains("--download-cache-max-bytes");
    }

    private static void awaitAuditLines(String key, int count) throws InterruptedException {
        for (int i = 0; i < 100 && index.logs.audit().stream()
                .filter(a -> a.path("key_id").asText().equals(AccessFixture.keyId(key))).count() < count; i++) {
            Thread.sleep(50);
        }
    }

    /** A valid wheel of tiny-cached {@code version} with {@code bytes} of random data stored (not compressed) in it. */
    private static ReleaseFile publishLargeWheel(String version, int bytes) throws IOException {
        Path work = TestEnvironment.tempDir("dl-cache-large-");
        Path wheel = work.resolve("tiny_cached-" + version + "-py3-none-any.whl");
        byte[] data = new byte[bytes];
        new java.util.Random(version.hashCode()).nextBytes(data);
        String info = "tiny_cached-" + version + ".dist-info/";
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(wheel))) {
            java.util.zip.ZipEntry e = new java.util.zip.ZipEntry("tiny_cached/data.bin");
            e.setMethod(java.util.zip.ZipEntry.STORED);
            e.setSize(data.length);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data);
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            zip.write(data);
            zip.closeEntry();
            for (String[] text : List.of(
                    new String[] {info + "METADATA", "Metadata-Version: 2.1\nName: tiny-cached\nVersion: " + version + "\n"},
                    new String[] {info + "WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
                    new String[] {info + "RECORD", "tiny_cached/data.bin,,\n" + info + "METADATA,,\n" + info + "WHEEL,,\n" + info + "RECORD,,\n"})) {
                zip.putNextEntry(new java.util.zip.ZipEntry(text[0]));
                zip.write(text[1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return index.deployment.pipeline().publishFiles(PublishRequest.builder(work, DEV).docs(false).publishedBy("test").build(),
                List.of(wheel), PublishLog.SILENT).release().files().get(0);
    }

    /** A tiny project's wheel and sdist of {@code version}, published to dev. */
    private static List<ReleaseFile> publishTiny(String version, String variant) throws IOException {
        Path work = TestEnvironment.tempDir("dl-cache-tiny-");
        List<Path> dists = TinyDists.make(work, "tiny-cached", version, variant);
        return index.deployment.pipeline().publishFiles(PublishRequest.builder(work, DEV).docs(false).publishedBy("test").build(),
                dists, PublishLog.SILENT).release().files();
    }
}
