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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Issue 4: requests/s and p99 latency of a simple page and a 100 KB download, for the index server
 * (its own JVM, run from the shaded jar against the local S3 and DynamoDB servers) and for nginx
 * serving the same bytes as static files, all in one run; plus the server's resident memory.
 * The index server runs as in production: every request carries an API key, and the audit log
 * goes to a file. nginx stays the unauthenticated static baseline, so the ratios include the
 * cost of our authentication and audit log.
 */
final class IndexBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final String PROJECT = "benchpkg";
    private static final int RELEASES = 10;
    private static final int FILE_BYTES = 100 * 1024;
    private static final long CONTAINER_LIMIT_KB = 128 * 1024;
    /** The JVM options shipped for the server in a container, and used by {@code ./pypub serve}. */
    static final String DEPLOY_OPTIONS = "@server/deploy/index-jvm.options";
    /** The benchmark key's rate limit and burst: far above any rate here, so it is checked on every request but never throttles. */
    private static final int KEY_RATE_PER_SECOND = 1_000_000;

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
        Path nginxBinary = Tools.require("nginx", "nginx");
        Path jar = root.resolve("server/target/pypub.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the benchmarks with ./mvnw -B -Pbench verify");
        }
        Timing timing = new Timing(Bench.intSetting("warmupSeconds", 5), Bench.intSetting("seconds", 10), Bench.intSetting("rounds", 3));
        String jvmOpts = Bench.setting("serverJvmOpts", DEPLOY_OPTIONS);
        // As a container's limit would: the kernel enforces it and the JVM sizes its heap from it.
        Optional<MemoryCgroup> cgroup = Boolean.parseBoolean(Bench.setting("cgroup", "true"))
                ? MemoryCgroup.create("pypub-bench-index-" + ProcessHandle.current().pid(), CONTAINER_LIMIT_KB * 1024)
                : Optional.empty();
        // Without a cgroup the JVM is told the container's size, so it sizes itself the same way.
        String effectiveOpts = cgroup.isPresent() ? jvmOpts : "-XX:MaxRAM=" + CONTAINER_LIMIT_KB + "k " + jvmOpts;

        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-index-" + id, "", "bench-index-versions-" + id, "bench-index-access-" + id);
        Path work = out.resolve("index-files");
        Tools.deleteTree(work);
        Process server = null;
        Process nginx = null;
        try (AwsClients clients = aws.clients(settings)) {
            byte[] download = publishReleases(clients);
            // Only this process and wrk's arguments hold the key; logs and the report never show it (the audit log names its id).
            String key = new ApiKeys(new ApiKeyTable(clients.dynamo(), settings.accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("bench", Set.of(STAGE.name()), Set.of(), KEY_RATE_PER_SECOND, KEY_RATE_PER_SECOND,
                            null, null, null), "bench").token().reveal();
            String authorization = "Bearer " + key;
            Version last = Version.parse("1.0." + (RELEASES - 1));
            String downloadKey = settings.layout().fileKey(STAGE, PROJECT, last, sdistName(last));
            List<Target> targets = List.of(new Target("simple page", "/dev/simple/" + PROJECT + "/"),
                    new Target("100 KB download", "/dev/files/" + PROJECT + "/" + last + "/" + sdistName(last)),
                    // Issue 16: the project page for people, measured in the same run as the simple page it must not slow.
                    new Target("project page", "/dev/-/project/" + PROJECT + "/"));

            int serverPort = Tools.freePort();
            Path auditLog = out.resolve("logs/index-audit.log");
            Files.deleteIfExists(auditLog);
            server = startServer(jar, effectiveOpts, settings, serverPort, auditLog, cgroup);
            String ours = "http://127.0.0.1:" + serverPort;
            if (status(ours + targets.get(0).path(), null) != 401) {
                throw new IllegalStateException("The index server answered without an API key: authentication is off");
            }
            // nginx serves the very bytes the index answers with, under the same paths.
            Path www = work.resolve("www");
            for (Target t : targets) {
                Path file = www.resolve(t.path().substring(1) + (t.path().endsWith("/") ? "index.html" : ""));
                Files.createDirectories(file.getParent());
                Files.write(file, get(ours + t.path(), authorization));
            }
            if (!Arrays.equals(Files.readAllBytes(www.resolve(targets.get(1).path().substring(1))), download)) {
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

            long pid = server.pid();
            long idleRssKb = ProcessMemory.status(pid, "VmRSS");
            List<List<String>> rows = new ArrayList<>();
            List<Comparison> results = new ArrayList<>();
            long peakKb;
            long peakAnonKb;
            long peakThreads;
            try (ProcessMemory memory = new ProcessMemory(pid)) {
                for (Target t : targets) {
                    Comparison c = compare(wrk, ours + t.path(), "Authorization: " + authorization, theirs + t.path(), timing);
                    results.add(c);
                    rows.add(List.of(t.name() + " `" + t.path() + "`", Report.fmt(c.oursRate(), 0), Report.fmt(c.nginxRate(), 0),
                            "**" + Report.fmt(c.rateRatio(), 2) + "**", Report.fmt(c.oursP99(), 2), Report.fmt(c.nginxP99(), 2),
                            "**" + Report.fmt(c.p99Ratio(), 2) + "**", c.oursErrors() + " / " + c.nginxErrors()));
                }
                peakKb = memory.peakKb();
                peakAnonKb = memory.peakAnonKb();
                peakThreads = memory.peakThreads();
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
            double simpleRatio = results.get(0).rateRatio();
            return new Report("Index benchmark: pypub index server vs. nginx")
                    .line("One run on this machine (" + Runtime.getRuntime().availableProcessors() + " cores, shared): wrk "
                            + wrk.threads() + " threads, " + wrk.connections() + " connections; per URL " + timing.warmup()
                            + " s warm-up of each server, then " + timing.rounds() + " rounds of " + timing.seconds()
                            + " s on each, alternating; medians over the rounds (ratios: median of the per-round ratios).")
                    .line("Index server: `java " + effectiveOpts + " -jar server/target/pypub.jar serve` on the local S3/DynamoDB API "
                            + "servers (moto), downloads streamed from S3, configured as in production: authentication on, every "
                            + "request with an API key (`Authorization: Bearer`; rate limit " + KEY_RATE_PER_SECOND
                            + "/s, so checked but never reached; no quota, so its downloads are counted in DynamoDB once a second, in batches), "
                            + "audit log to a file (`--audit-log`, " + auditLines + " lines in this run). nginx "
                            + nginxVersion(nginxBinary) + " (worker_processes auto, access log off) serving the same bytes as "
                            + "static files without authentication, so the ratios include the cost of our authentication and "
                            + "audit log. The project has " + RELEASES + " releases with an sdist and a wheel each; both "
                            + "servers answer HTML.")
                    .table(List.of("URL", "pypub req/s", "nginx req/s", "rate ratio pypub/nginx", "pypub p99 ms", "nginx p99 ms",
                            "p99 ratio pypub/nginx", "socket errors pypub / nginx"), rows)
                    .line("Downloads are streamed from the local S3 server, which alone answers a presigned GET of the same "
                            + "object at " + Report.fmt(s3Rate, 0) + " req/s: the index reaches "
                            + Report.ratio(results.get(1).oursRate(), s3Rate) + " of that ceiling.")
                    .line("")
                    .line("Index server memory (`/proc/PID/status`), JVM options `" + effectiveOpts + "`" + optionsFile(jvmOpts)
                            + ": heap (-Xmx) " + mib(heapMaxBytes >> 10) + " MiB; RSS idle " + mib(idleRssKb)
                            + " MiB; peak under load " + mib(peakKb) + " MiB (VmHWM, mapped files included), of which the "
                            + "process's own (anonymous) memory peaked at " + mib(peakAnonKb) + " MiB; at the end VmRSS "
                            + mib(rssKb) + " MiB, anonymous " + mib(anonKb) + " MiB; up to " + peakThreads + " threads.")
                    .line("")
                    .line(containerLine)
                    .line("")
                    .line("Targets (issue 4):")
                    .line("- simple page rate at least half of nginx's: ratio " + Report.fmt(simpleRatio, 2) + " — "
                            + (simpleRatio >= 0.5 ? "met" : "**missed**"))
                    .line("- whole server within a 128 MiB container: " + (cgroup.isPresent()
                            ? "ran under the limit without an OOM kill, own memory peaking at " + mib(peakAnonKb) + " MiB"
                            : "peak RSS " + mib(peakKb) + " MiB") + " — " + (containerMet ? "met" : "**missed**"));
        } finally {
            Tools.stop(nginx);
            Tools.stop(server);
            cgroup.ifPresent(MemoryCgroup::close);
        }
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

    private record Target(String name, String path) {}

    private record Timing(int warmup, int seconds, int rounds) {}

    /** Medians over the rounds of one URL on both servers. */
    private record Comparison(double oursRate, double nginxRate, double rateRatio, double oursP99, double nginxP99,
            double p99Ratio, long oursErrors, long nginxErrors) {}

    private static Comparison compare(Wrk wrk, String ours, String ourHeader, String theirs, Timing timing) {
        if (timing.warmup() > 0) {
            wrk.run(ours, timing.warmup(), ourHeader);
            wrk.run(theirs, timing.warmup());
        }
        List<Wrk.Result> a = new ArrayList<>();
        List<Wrk.Result> b = new ArrayList<>();
        for (int i = 0; i < timing.rounds(); i++) {
            if (i % 2 == 0) {
                a.add(measure(wrk, "pypub", ours, timing.seconds(), ourHeader));
                b.add(measure(wrk, "nginx", theirs, timing.seconds()));
            } else {
                b.add(measure(wrk, "nginx", theirs, timing.seconds()));
                a.add(measure(wrk, "pypub", ours, timing.seconds(), ourHeader));
            }
        }
        List<Double> rateRatios = new ArrayList<>();
        List<Double> p99Ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            rateRatios.add(a.get(i).rate() / b.get(i).rate());
            p99Ratios.add(a.get(i).p99Millis() / b.get(i).p99Millis());
        }
        return new Comparison(Report.median(a.stream().map(Wrk.Result::rate).toList()),
                Report.median(b.stream().map(Wrk.Result::rate).toList()), Report.median(rateRatios),
                Report.median(a.stream().map(Wrk.Result::p99Millis).toList()),
                Report.median(b.stream().map(Wrk.Result::p99Millis).toList()), Report.median(p99Ratios),
                a.stream().mapToLong(Wrk.Result::socketErrors).sum(), b.stream().mapToLong(Wrk.Result::socketErrors).sum());
    }

    private static Wrk.Result measure(Wrk wrk, String who, String url, int seconds, String... headers) {
        Wrk.Result r = wrk.run(url, seconds, headers);
        System.out.printf("[bench] %s %s: %.0f req/s, p99 %.2f ms%n", who, url, r.rate(), r.p99Millis());
        return r;
    }

    /** Ten releases, each an sdist and a wheel of 100 KB, recorded as the pipeline records them; returns the last sdist. */
    private byte[] publishReleases(AwsClients clients) {
        AwsSettings settings = clients.settings();
        new StorageProvisioner(clients).ensureAll();
        S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
        DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
        byte[] last = null;
        for (int i = 0; i < RELEASES; i++) {
            Version v = Version.parse("1.0." + i);
            List<ReleaseFile> files = new ArrayList<>();
            for (PackageType type : List.of(PackageType.SDIST, PackageType.WHEEL)) {
                String name = type == PackageType.SDIST ? sdistName(v) : PROJECT + "-" + v + "-py3-none-any.whl";
                byte[] body = Fixtures.randomBytes(FILE_BYTES, i * 2L + type.ordinal());
                String key = settings.layout().fileKey(STAGE, PROJECT, v, name);
                var digest = store.put(key, body, "application/octet-stream");
                files.add(new ReleaseFile(name, key, digest.sha256(), digest.size(), ">=3.9", Instant.now(), null, type));
                if (type == PackageType.SDIST) {
                    last = body;
                }
            }
            versions.record(new Release(STAGE, PROJECT, PROJECT, v, files, null, false, null, "bench", null,
                    "Benchmark package", Instant.now()), false);
        }
        return last;
    }

    private static String sdistName(Version v) {
        return PROJECT + "-" + v + ".tar.gz";
    }

    private Process startServer(Path jar, String jvmOpts, AwsSettings s, int port, Path auditLog, Optional<MemoryCgroup> cgroup)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOpts.split("\\s+")) {
            command.add(option.startsWith("@") ? "@" + resolveArgFile(option) : option);
        }
        command.addAll(List.of("-jar", jar.toString(), "serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--bucket", s.bucket(), "--version-table", s.versionTable(), "--access-table", s.accessTable(),
                "--region", s.region(), "--s3-endpoint", s.s3Endpoint().toString(),
                "--dynamodb-endpoint", s.dynamoEndpoint().toString(), "--audit-log", auditLog.toString()));
        Path log = out.resolve("logs/index-server.log");
        ProcessBuilder pb = new ProcessBuilder(cgroup.map(g -> g.wrap(command)).orElse(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("PYPUB_") || k.startsWith("JAVA_TOOL"));
        pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench-secret",
                "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", "AWS_EC2_METADATA_DISABLED", "true"));
        Process p = pb.start();
        Tools.awaitPort(p, port, "The index server", log);
        return p;
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
