package io.pypub.bench;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import io.pypub.embedded.EmbeddedAws;
import io.pypub.server.access.AuditLog;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Issue 18, target 1: the index at scale. The same pages of a stage with 15 projects and of one with
 * 10,000, on one index instance (in this JVM, default settings: a 1 s generation interval) over the
 * local DynamoDB and S3 servers: the root listing and a project page (rate and p99, alternating
 * rounds, ratio of the two stages), and how long a new project and a new release take to show while
 * the root listing is under load, with the rate and p99 of that load while the list is re-read.
 */
final class ScaleBenchmark {
    private static final Stage SMALL = Stage.of("small");
    private static final Stage BIG = Stage.of("big");
    private static final String PAGE_PROJECT = "p00007";
    /** What pip sends (requests' default; uv sends {@code gzip, br}): the pages go out as a client gets them, on both stages alike. */
    static final String ACCEPT_ENCODING = "Accept-Encoding: gzip, deflate";

    private final Path out;
    private final EmbeddedDeployments aws;
    private final HttpClient http = HttpClient.newHttpClient();

    ScaleBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.out = out;
        this.aws = aws;
    }

    Report run() throws Exception {
        Wrk wrk = new Wrk(Tools.require("wrk", "wrk"), Bench.intSetting("threads", 2), Bench.intSetting("connections", 32));
        int smallCount = 15;
        int bigCount = Bench.intSetting("scaleProjects", 10_000);
        int warmup = Bench.intSetting("scaleWarmupSeconds", 3);
        int seconds = Bench.intSetting("scaleSeconds", 5);
        int rounds = Bench.intSetting("scaleRounds", 3);
        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-scale-" + id, "", "bench-scale-versions-" + id, "bench-scale-access-" + id);
        try (AwsClients clients = aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
            long seedStart = System.nanoTime();
            List<Release> seed = new ArrayList<>();
            List<String> bigNames = new ArrayList<>();
            for (int i = 0; i < bigCount; i++) {
                if (i < smallCount) {
                    seed.add(release(SMALL, name(i), "1.0"));
                }
                bigNames.add(name(i));
            }
            versions.seedNewProjects(seed);
            // The big stage comes from a real `pypub import` (issue 18, target 2), which the report times.
            ImportRows imports = new ImportRows(out.resolve("scale-import"), aws, clients);
            imports.importStage(BIG, bigNames);
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            System.out.printf("[bench] seeded %d + imported %d projects in %.1f s%n", smallCount, bigCount, seedSeconds);
            imports.recordCost(versions, BIG, bigNames.subList(bigCount / 2, bigCount / 2 + Bench.intSetting("recordSamples", 40)),
                    "bench-scale-empty-" + id);

            AuditLog.toFile(out.resolve("logs/scale-audit.log")); // as `pypub serve --audit-log`: one line per request
            try (IndexServer server = new IndexServer(new IndexService(clients, IndexSettings.defaults()), "127.0.0.1", 0).start()) {
                String base = server.localUrl().toString().replaceAll("/$", "");
                long links = get(base + "/big/simple/").split("<a ", -1).length - 1L;
                if (links != bigCount) {
                    throw new IllegalStateException("/big/simple/ lists " + links + " projects, not " + bigCount);
                }
                List<List<String>> rows = new ArrayList<>();
                double[] root = compare(wrk, base, "/simple/", warmup, seconds, rounds, rows, "root listing");
                double[] page = compare(wrk, base, "/simple/" + PAGE_PROJECT + "/", warmup, seconds, rounds, rows, "project page");

                List<List<String>> visibility = new ArrayList<>();
                for (Stage stage : List.of(SMALL, BIG)) {
                    visibility.add(visibility(wrk, versions, base, stage));
                }
                double rootRatio = root[0];
                double rootP99 = root[1];
                imports.serverMemory();
                Report report = new Report("Scale benchmark: the index with 15 vs " + bigCount + " projects")
                        .line("One run on this machine (" + Runtime.getRuntime().availableProcessors() + " cores, shared): one index "
                                + "instance in the benchmark's JVM (`IndexService` + Jetty, default settings: generation read at most "
                                + "once a second per stage, no authentication) over the local DynamoDB (moto) and S3 ("
                                + EmbeddedAws.s3ServerName() + ") servers. Stage `small` "
                                + "has " + smallCount + " projects (batch writes), stage `big` " + bigCount + " (imported, see below; both in "
                                + Report.fmt(seedSeconds, 1) + " s). wrk " + wrk.threads() + " threads, " + wrk.connections()
                                + " connections; per URL " + warmup + " s warm-up, then " + rounds + " rounds of " + seconds
                                + " s on each stage, alternating; medians (ratio: median of the per-round ratios). wrk sends `"
                                + ACCEPT_ENCODING + "` as pip does, so pages over 1 KiB go out gzipped (kept compressed once per "
                                + "render); bytes are as sent, the uncompressed size in brackets.")
                        .table(List.of("page", "bytes sent 15 / " + bigCount, "15 projects req/s", bigCount + " projects req/s", "rate ratio big/small",
                                "15 projects p99 ms", bigCount + " projects p99 ms", "index CPU us/req 15 / " + bigCount), rows)
                        .line("Visibility: while wrk loads the stage's root listing (" + seconds * 3 + " s), a new project and "
                                + "a new release of `" + PAGE_PROJECT + "` are recorded; the time from the end of each record "
                                + "transaction until the root listing (resp. the project page) first shows it, polled every 10 ms; "
                                + "and the load's rate and p99 over the whole window, re-read of the list included.")
                        .table(List.of("stage", "new project on root listing s", "new release on project page s",
                                "root req/s during the change", "root p99 ms during the change"), visibility)
                        .line("Targets (issue 18, 1):")
                        .line("- root listing at " + bigCount + " projects >= 0.5x its rate at 15: ratio " + Report.fmt(rootRatio, 2)
                                + " — " + (rootRatio >= 0.5 ? "met" : "**missed**"))
                        .line("- root listing p99 <= 20 ms at " + bigCount + " projects: " + Report.fmt(rootP99, 2) + " ms — "
                                + (rootP99 <= 20 ? "met" : "**missed**"))
                        .line("- project page at " + bigCount + " projects >= 0.5x its rate at 15: ratio " + Report.fmt(page[0], 2)
                                + " — " + (page[0] >= 0.5 ? "met" : "**missed**"))
                        .line("- DynamoDB reads per instance and second independent of the number of projects: one query of the "
                                + "stage's 16 generation items per interval while nothing changes (checked by CatalogGenerationTest "
                                + "with a request-counting proxy, not measured here).");
                imports.addTo(report);
                return report;
            }
        }
    }

    /** Alternating rounds on both stages; adds a row; returns {rate ratio big/small, big p99}. */
    private static double[] compare(Wrk wrk, String base, String path, int warmup, int seconds, int rounds, List<List<String>> rows,
            String what) {
        String small = base + "/" + SMALL + path;
        String big = base + "/" + BIG + path;
        if (warmup > 0) {
            wrk.run(small, warmup, ACCEPT_ENCODING);
            wrk.run(big, warmup, ACCEPT_ENCODING);
        }
        List<Round> a = new ArrayList<>();
        List<Round> b = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                a.add(measure(wrk, small, seconds));
                b.add(measure(wrk, big, seconds));
            } else {
                b.add(measure(wrk, big, seconds));
                a.add(measure(wrk, small, seconds));
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ratios.add(b.get(i).wrk().rate() / a.get(i).wrk().rate());
        }
        double ratio = Report.median(ratios);
        double bigP99 = Report.median(b.stream().map(r -> r.wrk().p99Millis()).toList());
        rows.add(List.of(what + " `/{stage}" + path + "`", bytes(small) + " / " + bytes(big), Report.fmt(Report.median(a.stream().map(r -> r.wrk().rate()).toList()), 0),
                Report.fmt(Report.median(b.stream().map(r -> r.wrk().rate()).toList()), 0), "**" + Report.fmt(ratio, 2) + "**",
                Report.fmt(Report.median(a.stream().map(r -> r.wrk().p99Millis()).toList()), 2), Report.fmt(bigP99, 2),
                Report.fmt(Report.median(a.stream().map(Round::cpuMicrosPerRequest).toList()), 1) + " / "
                        + Report.fmt(Report.median(b.stream().map(Round::cpuMicrosPerRequest).toList()), 1)));
        return new double[] {ratio, bigP99};
    }

    /**
     * A wrk round and the CPU time this JVM (the index; the benchmark itself idles meanwhile) spent per request: unlike the
     * rate, it hardly moves when other work shares the cores, so it shows what a change saves on a busy machine.
     */
    private record Round(Wrk.Result wrk, double cpuMicrosPerRequest) {}

    /** The body as sent with the benchmark's Accept-Encoding, and (when that is compressed) its size uncompressed. */
    private static String bytes(String url) {
        HttpResponse<byte[]> sent = fetch(url, true);
        String size = Integer.toString(sent.body().length);
        if (sent.headers().firstValue("Content-Encoding").isEmpty()) {
            return size;
        }
        return size + " gzip (" + fetch(url, false).body().length + ")";
    }

    private static HttpResponse<byte[]> fetch(String url, boolean gzip) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (gzip) {
            String[] h = ACCEPT_ENCODING.split(": ", 2);
            b.header(h[0], h[1]);
        }
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + url + " failed", e);
        }
    }

    private static Round measure(Wrk wrk, String url, int seconds) {
        long cpuBefore = processCpuNanos();
        Wrk.Result r = wrk.run(url, seconds, ACCEPT_ENCODING);
        double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / Math.max(1, r.requests());
        System.out.printf("[bench] %s: %.0f req/s, p99 %.2f ms, %.1f us CPU/req%n", url, r.rate(), r.p99Millis(), cpuMicros);
        return new Round(r, cpuMicros);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A row: seconds until a new project shows on the root listing and a new release on its page, under load. */
    private List<String> visibility(Wrk wrk, DynamoVersionTable versions, String base, Stage stage) throws Exception {
        String rootUrl = base + "/" + stage + "/simple/";
        int loadSeconds = Bench.intSetting("scaleSeconds", 5) * 3;
        CompletableFuture<Wrk.Result> load = CompletableFuture.supplyAsync(() -> wrk.run(rootUrl, loadSeconds, ACCEPT_ENCODING));
        Thread.sleep(1_500); // the load is on, and the generation has been read under it
        String fresh = "fresh-" + stage;
        versions.recordReplacing(release(stage, fresh, "1.0"), null);
        double projectSeconds = until(rootUrl, ">" + fresh + "<");
        versions.recordReplacing(release(stage, PAGE_PROJECT, "2.0"), null);
        double releaseSeconds = until(base + "/" + stage + "/simple/" + PAGE_PROJECT + "/", PAGE_PROJECT + "-2.0.tar.gz");
        Wrk.Result r = load.get();
        System.out.printf("[bench] %s: new project after %.3f s, new release after %.3f s; root under load %.0f req/s, p99 %.2f ms%n",
                stage, projectSeconds, releaseSeconds, r.rate(), r.p99Millis());
        return List.of("`" + stage + "`", Report.fmt(projectSeconds, 3), Report.fmt(releaseSeconds, 3), Report.fmt(r.rate(), 0),
                Report.fmt(r.p99Millis(), 2));
    }

    /** Seconds from now until {@code url} contains {@code text}. */
    private double until(String url, String text) throws Exception {
        long start = System.nanoTime();
        while (!get(url).contains(text)) {
            if (System.nanoTime() - start > 120_000_000_000L) {
                throw new IllegalStateException(url + " did not show " + text + " within 120 s");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static String name(int i) {
        return String.format("p%05d", i);
    }

    /** A release of one sdist to record only: pages list its file and records read it, nothing downloads it, so no object. */
    static Release release(Stage stage, String project, String version) {
        Version v = Version.parse(version);
        String sdist = project + "-" + v.normalized() + ".tar.gz";
        String sha256 = String.format("%064x", (long) (stage + project + version).hashCode() & 0xffffffffL);
        return new Release(stage, project, project, v, List.of(new ReleaseFile(sdist, "blobs/sha256/" + sha256.substring(0, 2) + "/"
                + sha256, sha256, 1_000, ">=3.9", Instant.now(), null, PackageType.SDIST)), null, false, null, "bench", null,
                "Benchmark package " + project, Instant.now());
    }
}
