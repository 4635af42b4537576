package io.pypub.bench;

import com.sun.net.httpserver.HttpServer;
import io.pypub.core.lifecycle.ImportResult;
import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.lifecycle.SimpleIndexMirror;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.util.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Issue 18, target 2: {@code pypub import URL} as the command runs it ({@link SimpleIndexMirror} downloads into a
 * temporary folder, {@link ReleaseImporter} brings the folder in), from another index that is a static PEP 691 tree
 * served on loopback by this process: {@code simple/index.json} and {@code simple/PROJECT/index.json}, one tiny
 * generated sdist (about 250 bytes, static metadata, so PEP 658 metadata is uploaded too) per release.
 */
final class IndexImport implements AutoCloseable {
    private static final String JSON_TYPE = "application/vnd.pypi.simple.v1+json";

    private final Path tree;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "static index");
        t.setDaemon(true);
        return t;
    });
    private final int files;

    /** What one import did: files brought in (downloaded, uploaded, recorded) and the seconds it took. */
    record Run(int files, double seconds) {
        double filesPerSecond() {
            return files / seconds;
        }
    }

    /** Writes and serves an index of {@code projects}, each with versions 1.0, 1.1, ... ({@code releasesEach}). */
    IndexImport(Path tree, List<String> projects, int releasesEach) throws IOException {
        this.tree = tree;
        FileTrees.deleteQuietly(tree);
        Path simple = Files.createDirectories(tree.resolve("simple"));
        // Projects written in parallel (10,000 sdists took over two minutes one at a time on a busy machine).
        projects.parallelStream().forEach(project -> writeProject(simple.resolve(project), project, releasesEach));
        StringBuilder root = new StringBuilder("{\"meta\":{\"api-version\":\"1.0\"},\"projects\":[");
        for (int i = 0; i < projects.size(); i++) {
            root.append(i == 0 ? "" : ",").append("{\"name\":\"").append(projects.get(i)).append("\"}");
        }
        Files.writeString(simple.resolve("index.json"), root.append("]}"));
        this.files = projects.size() * releasesEach;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = tree.resolve(path.substring(1) + (path.endsWith("/") ? "index.json" : "")).normalize();
            boolean ok = file.startsWith(tree) && Files.isRegularFile(file);
            byte[] body = ok ? Files.readAllBytes(file) : "not found".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", path.endsWith("/") ? JSON_TYPE : "application/octet-stream");
            exchange.sendResponseHeaders(ok ? 200 : 404, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
    }

    /** The project's sdists and its page, {@code simple/PROJECT/index.json}. */
    private static void writeProject(Path dir, String project, int releases) {
        try {
            Files.createDirectories(dir);
            StringBuilder page = new StringBuilder("{\"meta\":{\"api-version\":\"1.0\"},\"name\":\"" + project + "\",\"files\":[");
            for (int r = 0; r < releases; r++) {
                Path sdist = sdist(dir, project, "1." + r);
                String name = sdist.getFileName().toString();
                page.append(r == 0 ? "" : ",").append("{\"filename\":\"").append(name).append("\",\"url\":\"").append(name)
                        .append("\",\"hashes\":{\"sha256\":\"").append(FileDigest.of(sdist).sha256()).append("\"}}");
            }
            Files.writeString(dir.resolve("index.json"), page.append("]}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tiny sdist with static metadata (Metadata-Version 2.2, so its PEP 658 metadata is uploaded too). */
    private static Path sdist(Path dir, String project, String version) throws IOException {
        String base = project + "-" + version;
        Path file = dir.resolve(base + ".tar.gz");
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            add(tar, base + "/PKG-INFO", "Metadata-Version: 2.2\nName: " + project + "\nVersion: " + version
                    + "\nSummary: Benchmark package " + project + "\nRequires-Python: >=3.9\n");
            add(tar, base + "/src/" + project + "/__init__.py", "VERSION = '" + version + "'\n");
        }
        return file;
    }

    private static void add(TarArchiveOutputStream tar, String path, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(path);
        entry.setSize(body.length);
        tar.putArchiveEntry(entry);
        tar.write(body);
        tar.closeArchiveEntry();
    }

    int files() {
        return files;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/simple/");
    }

    /** Imports the whole index into {@code stage}, {@code parallel} projects at a time; fails unless every file arrived. */
    Run importInto(AwsClients clients, Stage stage, int parallel) throws IOException {
        Path downloads = Files.createTempDirectory(tree.getParent(), "import-");
        try {
            ProgressLog log = new ProgressLog(stage);
            long start = System.nanoTime();
            int downloaded = new SimpleIndexMirror(null, parallel).download(url(), List.of(), downloads, log);
            ImportResult result = ReleaseImporter.on(clients, parallel).importFolder(downloads, stage, "bench", url().toString(), log);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (downloaded != files || result.uploaded() != files || !result.skipped().isEmpty()) {
                throw new IllegalStateException("Import into " + stage + " brought in " + result.uploaded() + " of " + files
                        + " files (" + downloaded + " downloaded): " + result.message() + " " + result.skipped());
            }
            System.out.printf("[bench] imported %d files into %s, %d at a time, in %.1f s (%.1f files/s)%n", files, stage, parallel,
                    seconds, files / seconds);
            return new Run(files, seconds);
        } finally {
            FileTrees.deleteQuietly(downloads);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        FileTrees.deleteQuietly(tree);
    }

    /** Prints warnings, and a line per 1,000 files instead of one per file. */
    private static final class ProgressLog implements PublishLog {
        private final Stage stage;
        private final AtomicInteger uploaded = new AtomicInteger();

        ProgressLog(Stage stage) {
            this.stage = stage;
        }

        @Override
        public void info(String message) {
            if (message.endsWith(" bytes)") && message.contains(": uploaded (") && uploaded.incrementAndGet() % 1_000 == 0) {
                System.out.println("[bench] import into " + stage + ": " + uploaded.get() + " files");
            }
        }

        @Override
        public void warn(String message) {
            System.out.println("[bench] import into " + stage + ": WARNING " + message);
        }
    }
}
