package io.pypub.bench;

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
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import io.pypub.embedded.EmbeddedAws;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Issues 4 and 18: requests/s and p99 latency of a simple page, a 126 KB and a 17 MB wheel, for the index
 * server (its own JVM, run from the shaded jar against the local S3 and DynamoDB servers), for nginx
 * serving the same bytes as static files and for pypiserver serving the same files, all in one run; the
 * redirect of REDIRECT mode; and the peak resident memory of every process.
 * The index server runs as in production: every request carries an API key, and the audit log
 * goes to a file. nginx stays the unauthenticated static baseline, so the ratios include the
 * cost of our authentication and audit log.
 */
final class IndexBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final String PROJECT = "benchpkg";
    private static final int RELEASES = 10;
    /** Issue 18: a 126 KB wheel (each release's sdist the same size) and one release with a 17 MB wheel. */
    private static final int FILE_BYTES = 126 * 1024;
    private static final Version LARGE_VERSION = Version.parse("2.0.0");
    private static final int LARGE_BYTES = 17 * 1024 * 1024;
    private static final int LARGE_CONNECTIONS = 4;
    /** pip's default socket timeout. */
    private static final int LARGE_TIMEOUT_SECONDS = 15;
    private static final long CONTAINER_LIMIT_KB = 128 * 1024;
    /** The JVM options shipped for the server in a container, and used by {@code ./pypub serve}. */
    static final String DEPLOY_OPTIONS = "@server/deploy/index-jvm.options";
    /** The benchmark key's rate limit and burst: far above any rate here, so it is checked on every request but never throttles. */
    static final int KEY_RATE_PER_SECOND = 1_000_000;

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;
    private final HttpClient http = HttpClient.newHttpClient();

    IndexBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    Report run() throws Exception {
        Wrk wrk = new Wrk(Tools.require("wrk", "wrk"), Bench.intSetting("threads", 2), Bench.intSetting("connections", 32));
        // 17 MB downloads: a few connections at once, as pip makes, each allowed pip's own 15 s read timeout.
        Wrk largeWrk = new Wrk(wrk.binary(), 1, LARGE_CONNECTIONS);
        Path nginxBinary = Tools.require("nginx", "nginx");
        Path jar = IndexProcess.jar(root);
        var pypiserverEnv = Pypiserver.environment(root);
        Timing timing = new Timing(Bench.intSetting("warmupSeconds", 2), Bench.intSetting("seconds", 4), Bench.intSetting("rounds", 5));
        LoadGate gate = LoadGate.fromSettings();
        String jvmOpts = Bench.setting("serverJvmOpts", DEPLOY_OPTIONS);
        // As a container's limit would: the kernel enforces it and the JVM sizes its heap from it.
        Optional<MemoryCgroup> cgroup = Boolean.parseBoolean(Bench.setting("cgroup", "true"))
                ? MemoryCgroup.create("pypub-bench-index-" + ProcessHandle.current().pid(), CONTAINER_LIMIT_KB * 1024)
                : Optional.empty();
        // Without a cgroup the JVM is told the container's size, so it sizes itself the same way.
        String containerOpts = "-XX:MaxRAM=" + CONTAINER_LIMIT_KB + "k " + jvmOpts;
        String effectiveOpts = cgroup.isPresent() ? jvmOpts : containerOpts;

        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-index-" + id, "", "bench-index-versions-" + id, "bench-index-access-" + id);
        Path work = out.resolve("index-files");
        Tools.deleteTree(work);
        Process server = null;
        Process redirectServer = null;
        Process nginx = null;
        Pypiserver pypiserver = null;
        try (AwsClients clients = aws.clients(settings)) {
            publishReleases(clients);
            // Only this process and wrk's arguments hold the key; logs and the report never show it (the audit log names its id).
            String key = new ApiKeys(new ApiKeyTable(clients.dynamo(), settings.accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("bench", Set.of(STAGE.name()), Set.of(), KEY_RATE_PER_SECOND, KEY_RATE_PER_SECOND,
                            null, null, null), "bench").token().reveal();
            String authorization = "Bearer " + key;
            Version last = Version.parse("1.0." + (RELEASES - 1));
            String wheel = wheelName(last);
            String largeWheel = wheelName(LARGE_VERSION);
            String downloadKey = settings.layout().fileKey(STAGE, PROJECT, last, wheel);
            Target simple = new Target("simple page", "/dev/simple/" + PROJECT + "/", "/simple/" + PROJECT + "/", false);
            Target download = new Target("126 KB wheel", "/dev/files/" + PROJECT + "/" + last + "/" + wheel, "/packages/" + wheel, false);
            Target large = new Target("17 MB wheel", "/dev/files/" + PROJECT + "/" + LARGE_VERSION + "/" + largeWheel,
                    "/packages/" + largeWheel, true);
            // Issue 16: the project page for people, measured in the same run as the simple page it must not slow.
            Target projectPage = new Target("project page", "/dev/-/project/" + PROJECT + "/", null, false);
            List<Target> targets = List.of(simple, download, projectPage, large);

            int serverPort = Tools.freePort();
            Path auditLog = out.resolve("logs/index-audit.log");
            Files.deleteIfExists(auditLog);
            server = startServer(jar, effectiveOpts, settings, serverPort, auditLog, cgroup, "STREAM", "index-server.log");
            String ours = "http://127.0.0.1:" + serverPort;
            if (status(ours + simple.path(), null) != 401) {
                throw new IllegalStateException("The index server answered without an API key: authentication is off");
            }
            // nginx serves the very bytes the index answers with, under the same paths; pypiserver the same files.
            Path www = work.resolve("www");
            Path packages = work.resolve("packages");
            Files.createDirectories(packages);
            for (Target t : targets) {
                Path file = www.resolve(t.path().substring(1) + (t.path().endsWith("/") ? "index.html" : ""));
                Files.createDirectories(file.getParent());
                Files.write(file, get(ours + t.path(), authorization));
            }
            for (int i = 0; i < RELEASES; i++) {
                Version v = Version.parse("1.0." + i);
                for (String name : List.of(sdistName(v), wheelName(v))) {
                    Files.write(packages.resolve(name), get(ours + "/dev/files/" + PROJECT + "/" + v + "/" + name, authorization));
                }
            }
            Files.copy(www.resolve(large.path().substring(1)), packages.resolve(largeWheel));
            if (!Arrays.equals(Files.readAllBytes(www.resolve(download.path().substring(1))), wheelBytes(RELEASES - 1))) {
                throw new IllegalStateException("The index served a different download than was uploaded");
            }
            int nginxPort = Tools.freePort();
            nginx = startNginx(nginxBinary, work.resolve("nginx"), www, nginxPort);
            String theirs = "http://127.0.0.1:" + nginxPort;
            for (Target t : targets) {
                if (!Arrays.equals(get(ours + t.path(), authorization), get(theirs + t.path(), null))) {
                    throw new IllegalStateException("nginx and the index disagree on " + t.path());
                }
            }
            pypiserver = Pypiserver.start(pypiserverEnv, packages, out.resolve("logs/pypiserver.log"));
            String pps = pypiserver.url();
            if (!Arrays.equals(get(pps + download.pypiserverPath(), null), wheelBytes(RELEASES - 1))) {
                throw new IllegalStateException("pypiserver served a different download than was uploaded");
            }

            long pid = server.pid();
            long idleRssKb = ProcessMemory.status(pid, "VmRSS");
            List<List<String>> rows = new ArrayList<>();
            Map<Target, Comparison> results = new LinkedHashMap<>();
            long peakKb;
            long peakAnonKb;
            long peakThreads;
            Map<String, Long> peaks = new LinkedHashMap<>();
            try (ProcessMemory memory = new ProcessMemory(pid);
                    ProcessMemory nginxMemory = ProcessMemory.ofTree(nginx.pid());
                    ProcessMemory ppsMemory = ProcessMemory.ofTree(pypiserver.process().pid());
                    ProcessMemory s3Memory = ProcessMemory.ofTree(aws.s3Pid());
                    ProcessMemory dynamoMemory = ProcessMemory.ofTree(aws.dynamoPid())) {
                for (Target t : targets) {
                    List<Endpoint> endpoints = new ArrayList<>(List.of(new Endpoint("pypub", ours + t.path(), "Authorization: " + authorization),
                            new Endpoint("nginx", theirs + t.path(), null)));
                    if (t.pypiserverPath() != null) {
                        endpoints.add(new Endpoint("pypiserver", pps + t.pypiserverPath(), null));
                    }
                    Comparison c = compare(t.large() ? largeWrk : wrk, endpoints, timing, gate, t.name(),
                            t.large() ? LARGE_TIMEOUT_SECONDS : 2);
                    results.put(t, c);
                    rows.add(row(t.name() + " `" + t.path() + "`", c));
                }
                peakKb = memory.peakKb();
                peakAnonKb = memory.peakAnonKb();
                peakThreads = memory.peakThreads();
                peaks.put("pypub serve (JVM)", peakKb);
                peaks.put("nginx (master + workers)", nginxMemory.peakKb());
                peaks.put("pypiserver (gunicorn master + " + Runtime.getRuntime().availableProcessors() + " gthread workers)",
                        ppsMemory.peakKb());
                peaks.put("embedded S3 (" + EmbeddedAws.s3ServerName() + ")", s3Memory.peakKb());
                peaks.put("embedded DynamoDB (moto)", dynamoMemory.peakKb());
            }
            long rssKb = ProcessMemory.status(pid, "VmRSS");
            long anonKb = ProcessMemory.status(pid, "RssAnon");
            if (!server.isAlive()) {
                throw new IllegalStateException("The index server died under load" + cgroup.map(g -> " (OOM kills in its "
                        + (g.limitBytes() >> 20) + " MiB cgroup: " + g.oomKills() + ")").orElse("") + "; see "
                        + out.resolve("logs/index-server.log"));
            }
            long heapMaxBytes = heapMaxBytes(ours);
            String containerLine;
            boolean containerMet;
            if (cgroup.isPresent()) {
                MemoryCgroup g = cgroup.get();
                long oomKills = g.oomKills();
                containerMet = oomKills == 0;
                containerLine = "The server ran the whole benchmark inside a memory cgroup limited to " + (g.limitBytes() >> 20)
                        + " MiB (" + g.describe() + "), as in a container with that limit: OOM kills " + oomKills
                        + "; the cgroup peaked at " + mib(g.peakBytes() >> 10) + " MiB with page cache (the kernel reclaimed "
                        + "cache " + g.limitHits() + " times to stay under the limit).";
            } else {
                containerMet = peakKb <= CONTAINER_LIMIT_KB;
                containerLine = "No memory cgroup could be made here, so the JVM was told the container's size with `-XX:MaxRAM="
                        + CONTAINER_LIMIT_KB + "k` and the check is peak RSS against " + (CONTAINER_LIMIT_KB >> 10) + " MiB.";
            }
            long auditLines = auditLines(auditLog, key);
            // The ceiling for streamed downloads: the local S3 server alone, on a presigned URL of the same object.
            String presigned = clients.presigner().presignGetObject(b -> b.signatureDuration(Duration.ofHours(1))
                    .getObjectRequest(g -> g.bucket(settings.bucket()).key(downloadKey))).url().toString();
            List<Double> s3Rates = new ArrayList<>();
            for (int i = 0; i < timing.rounds(); i++) {
                s3Rates.add(wrk.run(presigned, timing.seconds()).rate());
            }
            double s3Rate = Report.median(s3Rates);

            // REDIRECT mode: the server answers a download with a 302 to a presigned S3 URL; wrk does not follow it,
            // so this is the redirect itself, against nginx sending the file for the same URL.
            int redirectPort = Tools.freePort();
            redirectServer = startServer(jar, containerOpts, settings, redirectPort, out.resolve("logs/index-audit-redirect.log"),
                    Optional.empty(), "REDIRECT", "index-server-redirect.log");
            String redirectUrl = "http://127.0.0.1:" + redirectPort + download.path();
            int redirectStatus = status(redirectUrl, authorization);
            if (redirectStatus / 100 != 3) {
                throw new IllegalStateException("The index in REDIRECT mode answered a download with " + redirectStatus);
            }
            Comparison redirect = compare(wrk, List.of(new Endpoint("pypub", redirectUrl, "Authorization: " + authorization),
                    new Endpoint("nginx", theirs + download.path(), null)), timing, gate, "redirect", 2);
            rows.add(row("REDIRECT mode: the " + redirectStatus + " for the 126 KB wheel (vs nginx sending it)", redirect));

            List<List<String>> memoryRows = new ArrayList<>();
            peaks.forEach((who, kb) -> memoryRows.add(List.of(who, mib(kb))));
            Comparison simpleC = results.get(simple);
            Comparison downloadC = results.get(download);
            Comparison largeC = results.get(large);
            Report report = new Report("Index benchmark: pypub index server vs. nginx and pypiserver")
                    .line("One run on this machine (" + Runtime.getRuntime().availableProcessors() + " cores, shared): wrk "
                            + wrk.threads() + " threads, " + wrk.connections() + " connections (17 MB wheel: " + largeWrk.threads()
                            + " thread, " + largeWrk.connections() + " connections, " + LARGE_TIMEOUT_SECONDS + " s timeout as pip's); "
                            + "per URL " + timing.warmup() + " s warm-up of each server, then " + timing.rounds() + " rounds of "
                            + timing.seconds() + " s on each, in rotating order; medians over the rounds (ratios: median of the "
                            + "per-round ratios). A round starts only on a quiet enough machine (below).")
                    .line("Index server: `" + environment(jar) + "java " + effectiveOpts + " -jar server/target/pypub.jar serve` on the local S3 ("
                            + EmbeddedAws.s3ServerName() + ") and DynamoDB (moto) API servers, downloads streamed (from its download cache once cached, else from S3), configured as in production: authentication on, every "
                            + "request with an API key (`Authorization: Bearer`; rate limit " + KEY_RATE_PER_SECOND
                            + "/s, so checked but never reached; no quota, so its downloads are counted in DynamoDB once a second, in batches), "
                            + "audit log to a file (`--audit-log`, " + auditLines + " lines in this run). nginx "
                            + nginxVersion(nginxBinary) + " (worker_processes auto, access log off) serving the same bytes as "
                            + "static files without authentication, so the ratios include the cost of our authentication and "
                            + "audit log. pypiserver " + Pypiserver.REQUIREMENTS.lines().limit(2).map(String::strip)
                            .reduce((a, b) -> a + ", " + b).orElse("") + " (gthread, one worker per core) serving the same files "
                            + "from a folder, unauthenticated (its simple page is its own HTML of the same files). The project has "
                            + RELEASES + " releases with an sdist and a 126 KB wheel each, plus " + LARGE_VERSION + " with a 17 MB wheel.")
                    .table(List.of("URL", "pypub req/s", "nginx req/s", "pypiserver req/s", "pypub/nginx", "pypub/pypiserver",
                            "p99 ms pypub / nginx / pypiserver", "p99 ratio pypub/nginx", "socket errors pypub / nginx / pypiserver",
                            "rounds counted"), rows)
                    .line("The index streams a file from the local S3 server, which alone answers a presigned GET of the same "
                            + "object at " + Report.fmt(s3Rate, 0) + " req/s, until its download cache holds it (--download-cache-max-bytes "
                            + Bench.setting("downloadCacheBytes", "1GiB") + ", a fresh directory per server, so after the warm-up "
                            + "requests; 0: no cache); the index reaches " + Report.ratio(downloadC.rate("pypub"), s3Rate) + " of the S3 rate.")
                    .line("")
                    .line("Index server memory (`/proc/PID/status`), JVM options `" + effectiveOpts + "`" + optionsFile(jvmOpts)
                            + ": heap (-Xmx) " + mib(heapMaxBytes >> 10) + " MiB; RSS idle " + mib(idleRssKb)
                            + " MiB; peak under load " + mib(peakKb) + " MiB (VmHWM, mapped files included), of which the "
                            + "process's own (anonymous) memory peaked at " + mib(peakAnonKb) + " MiB; at the end VmRSS "
                            + mib(rssKb) + " MiB, anonymous " + mib(anonKb) + " MiB; up to " + peakThreads + " threads.")
                    .line("")
                    .line(containerLine)
                    .line("")
                    .line("Peak RSS of every process during the rows above (sampled every 100 ms; a tree is the sum of its processes):")
                    .table(List.of("process", "peak RSS MiB"), memoryRows)
                    .load(gate);
            double simpleRatio = simpleC.ratio("nginx");
            report.target("issue 4: simple page rate / nginx", simpleRatio, ">= 0.5", simpleRatio >= 0.5)
                    .target("issue 4: whole server within a 128 MiB container", cgroup.isPresent()
                            ? "no OOM kill, own memory peak " + mib(peakAnonKb) + " MiB" : "peak RSS " + mib(peakKb) + " MiB",
                            "<= 128 MiB", containerMet);
            double wheelRatio = downloadC.ratio("pypiserver");
            report.target("18.3: 126 KB wheel rate, pypub / pypiserver", wheelRatio, ">= 1.0", wheelRatio >= 1.0);
            long largeErrors = largeC.errors("pypub");
            String largeTarget = "18.3: 17 MB wheel, client timeouts and socket errors (pypub)";
            if (largeC.counted() == 0) {
                report.notJudged(largeTarget, "0", "machine too busy");
            } else {
                report.target(largeTarget, largeErrors + " (" + Report.fmt(largeC.rate("pypub"), 1) + " req/s)", "0", largeErrors == 0);
            }
            double redirectRatio = redirect.ratio("nginx");
            report.target("18.3: REDIRECT, the redirect's rate / nginx's download", redirectRatio, ">= 0.5", redirectRatio >= 0.5);
            report.target("18.4: `pypub serve` peak RSS, default options", mib(peakKb) + " MiB", "<= 128 MiB",
                    peakKb <= CONTAINER_LIMIT_KB);
            if (Double.isNaN(simpleRatio)) {
                report.notJudged("18.7: simple page with key + audit / nginx, quiet machine", ">= 0.7", "machine too busy");
            } else {
                report.target("18.7: simple page with key + audit / nginx, quiet machine", simpleRatio, ">= 0.7", simpleRatio >= 0.7);
            }
            return report;
        } finally {
            Tools.stop(nginx);
            Tools.stop(server);
            Tools.stop(redirectServer);
            if (pypiserver != null) {
                pypiserver.close();
            }
            cgroup.ifPresent(MemoryCgroup::close);
        }
    }

    private static List<String> row(String what, Comparison c) {
        boolean pps = c.has("pypiserver");
        return List.of(what, rate(c, "pypub"), rate(c, "nginx"), pps ? rate(c, "pypiserver") : "-",
                "**" + Report.fmt(c.ratio("nginx"), 2) + "**", pps ? "**" + Report.fmt(c.ratio("pypiserver"), 2) + "**" : "-",
                Report.fmt(c.p99("pypub"), 1) + " / " + Report.fmt(c.p99("nginx"), 1) + (pps ? " / " + Report.fmt(c.p99("pypiserver"), 1) : ""),
                Report.fmt(c.p99Ratio("nginx"), 2),
                c.errors("pypub") + " / " + c.errors("nginx") + (pps ? " / " + c.errors("pypiserver") : ""),
                c.counted() == 0 ? "0: machine too busy" : Integer.toString(c.counted()));
    }

    private static String rate(Comparison c, String who) {
        return Report.fmt(c.rate(who), c.rate(who) < 100 ? 1 : 0);
    }

    /** The server's environment from server/deploy/index-env, as a shell would prefix the command. */
    private static String environment(Path jar) throws IOException {
        StringBuilder b = new StringBuilder();
        IndexProcess.serveEnvironment(jar).forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        return b.toString();
    }

    /** The options file's lines, when the options are one ({@code @path}), so the report shows what ran. */
    private String optionsFile(String jvmOpts) throws IOException {
        if (!jvmOpts.startsWith("@") || jvmOpts.contains(" ")) {
            return "";
        }
        List<String> flags = Files.readAllLines(resolveArgFile(jvmOpts)).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        return " (" + String.join(" ", flags) + ")";
    }

    private Path resolveArgFile(String option) {
        return root.resolve(option.substring(1));
    }

    /** The server's maximum heap, from its own /metrics (the JVM's heap pools, as sized from the container). */
    private long heapMaxBytes(String base) throws IOException, InterruptedException {
        String metrics = new String(get(base + "/metrics", null), java.nio.charset.StandardCharsets.UTF_8);
        long sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_max_bytes{area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** @param pypiserverPath the same resource on pypiserver, null if it has none */
    private record Target(String name, String path, String pypiserverPath, boolean large) {}

    private record Endpoint(String who, String url, String header) {
        String[] headers() {
            return header == null ? new String[0] : new String[] {header};
        }
    }

    private record Timing(int warmup, int seconds, int rounds) {}

    /** The counted rounds of one URL on each server ("pypub" first), in the order measured within a round. */
    private record Comparison(Map<String, List<Wrk.Result>> results) {
        int counted() {
            return results.get("pypub").size();
        }

        boolean has(String who) {
            return results.containsKey(who);
        }

        double rate(String who) {
            return median(results.get(who).stream().map(Wrk.Result::rate).toList());
        }

        double p99(String who) {
            return median(results.get(who).stream().map(Wrk.Result::p99Millis).toList());
        }

        long errors(String who) {
            return results.get(who).stream().mapToLong(Wrk.Result::socketErrors).sum();
        }

        /** The median of the per-round ratios pypub / {@code who}. */
        double ratio(String who) {
            return perRound(who, Wrk.Result::rate);
        }

        double p99Ratio(String who) {
            return perRound(who, Wrk.Result::p99Millis);
        }

        private double perRound(String who, java.util.function.ToDoubleFunction<Wrk.Result> f) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < counted(); i++) {
                ratios.add(f.applyAsDouble(results.get("pypub").get(i)) / f.applyAsDouble(results.get(who).get(i)));
            }
            return median(ratios);
        }

        private static double median(List<Double> values) {
            return values.isEmpty() ? Double.NaN : Report.median(values);
        }
    }

    /** Rounds over all endpoints, the order rotating each round; a round the {@link LoadGate} refuses is not measured. */
    private static Comparison compare(Wrk wrk, List<Endpoint> endpoints, Timing timing, LoadGate gate, String what, int timeoutSeconds) {
        if (timing.warmup() > 0) {
            endpoints.forEach(e -> wrk.run(e.url(), timing.warmup(), timeoutSeconds, e.headers()));
        }
        Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
        endpoints.forEach(e -> results.put(e.who(), new ArrayList<>()));
        for (int i = 0; i < timing.rounds(); i++) {
            if (!gate.await(what + ", round " + (i + 1))) {
                continue;
            }
            for (int j = 0; j < endpoints.size(); j++) {
                Endpoint e = endpoints.get((i + j) % endpoints.size());
                Wrk.Result r = wrk.run(e.url(), timing.seconds(), timeoutSeconds, e.headers());
                System.out.printf("[bench] %s %s: %.1f req/s, p99 %.2f ms, socket errors %d%n", e.who(), e.url(), r.rate(), r.p99Millis(),
                        r.socketErrors());
                results.get(e.who()).add(r);
            }
        }
        return new Comparison(results);
    }

    /** Ten releases, each an sdist and a wheel of 126 KB, and one with a 17 MB wheel, recorded as the pipeline records them. */
    private void publishReleases(AwsClients clients) {
        AwsSettings settings = clients.settings();
        new StorageProvisioner(clients).ensureAll();
        S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
        DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
        for (int i = 0; i <= RELEASES; i++) {
            Version v = i < RELEASES ? Version.parse("1.0." + i) : LARGE_VERSION;
            List<ReleaseFile> files = new ArrayList<>();
            for (PackageType type : i < RELEASES ? List.of(PackageType.SDIST, PackageType.WHEEL) : List.of(PackageType.WHEEL)) {
                String name = type == PackageType.SDIST ? sdistName(v) : wheelName(v);
                byte[] body = i == RELEASES ? Fixtures.randomBytes(LARGE_BYTES, 99) : type == PackageType.WHEEL ? wheelBytes(i)
                        : Fixtures.randomBytes(FILE_BYTES, i * 2L);
                String key = settings.layout().fileKey(STAGE, PROJECT, v, name);
                var digest = store.put(key, body, "application/octet-stream");
                files.add(new ReleaseFile(name, key, digest.sha256(), digest.size(), ">=3.9", Instant.now(), null, type));
            }
            versions.record(new Release(STAGE, PROJECT, PROJECT, v, files, null, false, null, "bench", null,
                    "Benchmark package", Instant.now()), false);
        }
    }

    private static byte[] wheelBytes(int release) {
        return Fixtures.randomBytes(FILE_BYTES, release * 2L + 1);
    }

    private static String wheelName(Version v) {
        return PROJECT + "-" + v + "-py3-none-any.whl";
    }

    private static String sdistName(Version v) {
        return PROJECT + "-" + v + ".tar.gz";
    }

    private Process startServer(Path jar, String jvmOpts, AwsSettings s, int port, Path auditLog, Optional<MemoryCgroup> cgroup,
            String downloadMode, String logName) throws IOException {
        List<String> options = new ArrayList<>();
        for (String option : jvmOpts.split("\\s+")) {
            options.add(option.startsWith("@") ? "@" + resolveArgFile(option) : option);
        }
        return IndexProcess.start(options, jar, s, port, auditLog, List.of("--download-mode", downloadMode,
                // A fresh download cache per server (cold at its start, as after a deploy); -Dbench.downloadCacheBytes=0 runs without.
                "--download-cache-dir", out.resolve("download-cache").resolve(logName).toString(),
                "--download-cache-max-bytes", Bench.setting("downloadCacheBytes", "1GiB")), cgroup, out.resolve("logs").resolve(logName));
    }

    private Process startNginx(Path binary, Path dir, Path www, int port) throws IOException {
        for (String t : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve("tmp").resolve(t));
        }
        String temp = dir.resolve("tmp").toString();
        String conf = """
                daemon off;
                worker_processes auto;
                %s
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    keepalive_requests 1000000;
                    types { text/html html; }
                    default_type application/octet-stream;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    server {
                        listen 127.0.0.1:%d;
                        root %s;
                        index index.html;
                    }
                }
                """.formatted("root".equals(System.getProperty("user.name")) ? "user root;" : "", dir, dir,
                temp, temp, temp, temp, temp, port, www);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Path log = out.resolve("logs/nginx.log");
        Process p = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        Tools.awaitPort(p, port, "nginx", log);
        return p;
    }

    private static String nginxVersion(Path binary) {
        var r = Tools.run(List.of(binary.toString(), "-v"), Duration.ofSeconds(10));
        return r.tail().isEmpty() ? "" : r.tail().get(0).replaceFirst("^nginx version: nginx/", "");
    }

    private byte[] get(String url, String authorization) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = send(url, authorization);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
        }
        return r.body();
    }

    private int status(String url, String authorization) throws IOException, InterruptedException {
        return send(url, authorization).statusCode();
    }

    private HttpResponse<byte[]> send(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Lines in the audit log, after checking that neither it nor the server's log holds the key. */
    private long auditLines(Path auditLog, String key) throws IOException {
        String secret = key.substring(key.lastIndexOf('_') + 1);
        for (Path log : List.of(auditLog, out.resolve("logs/index-server.log"))) {
            try (var lines = Files.lines(log)) {
                if (lines.anyMatch(l -> l.contains(secret))) {
                    throw new IllegalStateException(log + " contains the benchmark's API key");
                }
            }
        }
        try (var lines = Files.lines(auditLog)) {
            return lines.count();
        }
    }

    private static String mib(long kb) {
        return Report.fmt(kb / 1024.0, 1);
    }
}
