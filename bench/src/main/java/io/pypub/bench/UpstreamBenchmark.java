package io.pypub.bench;

import com.sun.net.httpserver.HttpServer;
import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 14: what an upstream project page costs when it is served from the index's page cache,
 * against a private project page of the same size, on one index server in one run (wrk, alternating
 * rounds). The upstream is a static PEP 503 tree on loopback, served from this process; its request
 * count shows that the measured pages came from the cache (no traffic beyond this machine).
 */
final class UpstreamBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final String PRIVATE = "privpkg";
    private static final String PUBLIC = "uppkg";
    private static final int RELEASES = 10;
    private static final int FILE_BYTES = 4 * 1024;
    private static final double TARGET_RATIO = 1.5;

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;
    private final HttpClient http = HttpClient.newHttpClient();

    UpstreamBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    Report run() throws Exception {
        Wrk wrk = new Wrk(Tools.require("wrk", "wrk"), Bench.intSetting("threads", 2), Bench.intSetting("connections", 32));
        Path jar = IndexProcess.jar(root);
        int warmup = Bench.intSetting("warmupSeconds", 2);
        int seconds = Bench.intSetting("seconds", 4);
        int rounds = Bench.intSetting("rounds", 5);
        String jvmOpts = "-XX:MaxRAM=" + 128 * 1024 + "k " + Bench.setting("serverJvmOpts", IndexBenchmark.DEPLOY_OPTIONS);

        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-upstream-" + id, "", "bench-upstream-versions-" + id, "bench-upstream-access-" + id);
        Path tree = out.resolve("upstream-tree");
        Tools.deleteTree(tree);
        AtomicLong upstreamRequests = new AtomicLong();
        HttpServer upstream = staticTree(tree, upstreamRequests);
        Process server = null;
        try (AwsClients clients = aws.clients(settings)) {
            publishPrivate(clients);
            writePublicTree(tree);
            String key = new ApiKeys(new ApiKeyTable(clients.dynamo(), settings.accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("bench-upstream", Set.of(STAGE.name()), Set.of(), IndexBenchmark.KEY_RATE_PER_SECOND, IndexBenchmark.KEY_RATE_PER_SECOND,
                            null, null, null), "bench").token().reveal();
            String authorization = "Bearer " + key;
            int port = Tools.freePort();
            String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/simple/";
            server = startServer(jar, jvmOpts, settings, port, upstreamUrl);
            String ours = "http://127.0.0.1:" + port;
            String privatePath = "/dev/simple/" + PRIVATE + "/";
            String publicPath = "/dev/simple/" + PUBLIC + "/";

            HttpResponse<byte[]> first = send(ours + publicPath, authorization);
            HttpResponse<byte[]> priv = send(ours + privatePath, authorization);
            if (first.statusCode() != 200 || priv.statusCode() != 200) {
                throw new IllegalStateException("Pages answered " + first.statusCode() + " (upstream) and " + priv.statusCode() + " (private)");
            }
            if (!"upstream".equals(first.headers().firstValue("X-Pypub-Source").orElse(""))
                    || !new String(first.body(), StandardCharsets.UTF_8).contains("upstream/" + PUBLIC + "/" + fileName(PUBLIC, Version.parse("1.0.0"), PackageType.SDIST))) {
                throw new IllegalStateException("The upstream page was not served through the upstream: " + first.headers().map());
            }
            long fetchesBefore = upstreamRequests.get();

            List<Wrk.Result> up = new ArrayList<>();
            List<Wrk.Result> pr = new ArrayList<>();
            String header = "Authorization: " + authorization;
            if (warmup > 0) {
                wrk.run(ours + privatePath, warmup, header);
                wrk.run(ours + publicPath, warmup, header);
            }
            for (int i = 0; i < rounds; i++) {
                if (i % 2 == 0) {
                    pr.add(measure(wrk, "private", ours + privatePath, seconds, header));
                    up.add(measure(wrk, "upstream", ours + publicPath, seconds, header));
                } else {
                    up.add(measure(wrk, "upstream", ours + publicPath, seconds, header));
                    pr.add(measure(wrk, "private", ours + privatePath, seconds, header));
                }
            }
            long fetchesDuring = upstreamRequests.get() - fetchesBefore;
            if (!server.isAlive()) {
                throw new IllegalStateException("The index server died under load; see " + out.resolve("logs/upstream-server.log"));
            }
            List<Double> costRatios = new ArrayList<>();
            List<Double> p99Ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                costRatios.add(pr.get(i).rate() / up.get(i).rate());
                p99Ratios.add(up.get(i).p99Millis() / pr.get(i).p99Millis());
            }
            double cost = Report.median(costRatios);
            List<List<String>> rows = List.of(
                    List.of("private project page `" + privatePath + "`", Report.fmt(median(pr, true), 0), Report.fmt(median(pr, false), 2),
                            "1.00", "1.00", Long.toString(pr.stream().mapToLong(Wrk.Result::socketErrors).sum())),
                    List.of("upstream project page from cache `" + publicPath + "`", Report.fmt(median(up, true), 0),
                            Report.fmt(median(up, false), 2), "**" + Report.fmt(cost, 2) + "**",
                            "**" + Report.fmt(Report.median(p99Ratios), 2) + "**",
                            Long.toString(up.stream().mapToLong(Wrk.Result::socketErrors).sum())));
            return new Report("Upstream benchmark: an upstream project page from cache vs. a private project page")
                    .line("One run on this machine (" + Runtime.getRuntime().availableProcessors() + " cores, shared): one index server "
                            + "(`java " + jvmOpts + " -jar server/target/pypub.jar serve --upstream dev=" + upstreamUrl
                            + " --upstream-page-seconds 3600`, authentication on, every request with an API key, audit log to a file) "
                            + "on the local S3/DynamoDB API servers; wrk " + wrk.threads() + " threads, " + wrk.connections()
                            + " connections; " + warmup + " s warm-up of each page, then " + rounds + " rounds of " + seconds
                            + " s on each, alternating which goes first; medians over the rounds (ratios: median of the per-round ratios).")
                    .line("Both projects have " + RELEASES + " releases with an sdist and a wheel each (pages of " + priv.body().length
                            + " and " + first.body().length + " bytes). The private one is recorded in the "
                            + "version table; the public one exists only on the upstream, a static PEP 503 tree on loopback "
                            + "(HTML with sha256 and requires-python), fetched once before the measurement and rewritten to the "
                            + "index's URLs. The upstream was asked " + fetchesDuring + " times during the measurement "
                            + "(0: every measured upstream page came from the page cache).")
                    .table(List.of("URL", "req/s", "p99 ms", "cost ratio (private req/s ÷ this req/s)", "p99 ratio (this ÷ private)",
                            "socket errors"), rows)
                    .line("Target (issue 14): an upstream page from cache within " + TARGET_RATIO + "x of a private page: cost ratio "
                            + Report.fmt(cost, 2) + " — " + (cost <= TARGET_RATIO ? "met" : "**missed**"));
        } finally {
            Tools.stop(server);
            upstream.stop(0);
        }
    }

    private static double median(List<Wrk.Result> results, boolean rate) {
        return Report.median(results.stream().map(r -> rate ? r.rate() : r.p99Millis()).toList());
    }

    private static Wrk.Result measure(Wrk wrk, String what, String url, int seconds, String header) {
        Wrk.Result r = wrk.run(url, seconds, header);
        System.out.printf("[bench] %s %s: %.0f req/s, p99 %.2f ms%n", what, url, r.rate(), r.p99Millis());
        return r;
    }

    /** The private project: releases recorded as the pipeline records them. */
    private void publishPrivate(AwsClients clients) {
        AwsSettings settings = clients.settings();
        new StorageProvisioner(clients).ensureAll();
        S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
        DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
        for (int i = 0; i < RELEASES; i++) {
            Version v = Version.parse("1.0." + i);
            List<ReleaseFile> files = new ArrayList<>();
            for (PackageType type : List.of(PackageType.SDIST, PackageType.WHEEL)) {
                String name = fileName(PRIVATE, v, type);
                String key = settings.layout().fileKey(STAGE, PRIVATE, v, name);
                var digest = store.put(key, Fixtures.randomBytes(FILE_BYTES, i * 2L + type.ordinal()), "application/octet-stream");
                files.add(new ReleaseFile(name, key, digest.sha256(), digest.size(), ">=3.9", Instant.now(), null, type));
            }
            versions.record(new Release(STAGE, PRIVATE, PRIVATE, v, files, null, false, null, "bench", null, "Benchmark package",
                    Instant.now()), false);
        }
    }

    /** The public project as a static PEP 503 tree: {@code simple/uppkg/index.html} and the files it links. */
    private static void writePublicTree(Path tree) throws IOException {
        Path dir = tree.resolve("simple").resolve(PUBLIC);
        Files.createDirectories(dir);
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><body>\n");
        for (int i = 0; i < RELEASES; i++) {
            Version v = Version.parse("1.0." + i);
            for (PackageType type : List.of(PackageType.SDIST, PackageType.WHEEL)) {
                String name = fileName(PUBLIC, v, type);
                byte[] body = Fixtures.randomBytes(FILE_BYTES, 1000 + i * 2L + type.ordinal());
                Files.write(dir.resolve(name), body);
                html.append("<a href=\"").append(name).append("#sha256=").append(FileDigest.sha256Hex(body))
                        .append("\" data-requires-python=\"&gt;=3.9\">").append(name).append("</a>\n");
            }
        }
        Files.writeString(dir.resolve("index.html"), html.append("</body></html>\n"));
    }

    private static String fileName(String project, Version v, PackageType type) {
        return type == PackageType.SDIST ? project + "-" + v + ".tar.gz" : project + "-" + v + "-py3-none-any.whl";
    }

    /** Serves {@code tree} on a loopback port ({@code /simple/p/} is {@code simple/p/index.html}), counting requests. */
    private static HttpServer staticTree(Path tree, AtomicLong requests) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            Path file = tree.resolve(path.substring(1) + (path.endsWith("/") ? "index.html" : "")).normalize();
            boolean ok = file.startsWith(tree) && Files.isRegularFile(file);
            byte[] body = ok ? Files.readAllBytes(file) : "not found".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", path.endsWith("/") ? "text/html" : "application/octet-stream");
            if (exchange.getRequestMethod().equals("HEAD")) {
                // The index learns the sizes PEP 503 pages do not state with HEAD requests: a length, no body.
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(ok ? 200 : 404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(ok ? 200 : 404, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return s;
    }

    private Process startServer(Path jar, String jvmOpts, AwsSettings s, int port, String upstreamUrl) throws IOException {
        List<String> options = new ArrayList<>();
        for (String option : jvmOpts.split("\\s+")) {
            options.add(option.startsWith("@") ? "@" + root.resolve(option.substring(1)) : option);
        }
        Path auditLog = out.resolve("logs/upstream-audit.log");
        Files.deleteIfExists(auditLog);
        return IndexProcess.start(options, jar, s, port, auditLog, List.of("--upstream", "dev=" + upstreamUrl, "--upstream-page-seconds", "3600"),
                Optional.empty(), out.resolve("logs/upstream-server.log"));
    }

    private HttpResponse<byte[]> send(String url, String authorization) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
