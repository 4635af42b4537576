package io.pypub.bench;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StreamingBlobUpload;
import io.pypub.embedded.EmbeddedAws;
import io.pypub.embedded.LoopbackServer;
import io.pypub.embedded.MotoServer;
import io.pypub.embedded.S3ProxyServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 18, target 2 (S3 half): which open-source S3 server is the fastest embedded S3. Each candidate runs as
 * the embedded S3 would (its own process on loopback) and gets the same work from core's S3 client as
 * {@link AwsClients} configures it, in alternating rounds, each round in a new bucket of servers that run through all rounds: PUT of
 * 20 KB objects with core's {@link S3ArtifactStore#put} (Content-MD5 and the sha256 metadata), HEAD, GET of a
 * 126 KB object with the SDK and as a presigned URL with wrk, ListObjectsV2 of 1,000 keys, and a 50 MB
 * {@link StreamingBlobUpload} (multipart, 8 MiB parts, as the upload API sends). Ratios are candidate / moto. Besides
 * the rates, the servers' CPU time per request: on a shared machine the rates follow the other work, the CPU cost hardly.
 * Which server the embedded S3 is, and why, is in docs/ARCHITECTURE.md ("Choices"); this run is the "how fast".
 */
final class S3Benchmark {
    private static final int SMALL = 20_000;
    private static final int MEDIUM = 126_000;
    private static final int LARGE = 50 << 20;
    private static final int LISTED = 1_000;
    private static final String BASELINE = "moto";

    /** A server to measure; {@code starter} starts an instance with its own log and folder. */
    private record Candidate(String name, Function<String, LoopbackServer> starter) {}

    private final Path out;
    private final PythonEnvironment python;

    S3Benchmark(Path out, PythonEnvironment python) {
        this.out = out;
        this.python = python;
    }

    Report run() throws Exception {
        int rounds = Bench.intSetting("rounds", 5);
        int seconds = Bench.intSetting("seconds", 4);
        int warmup = Bench.intSetting("warmupSeconds", 2);
        int threads = Bench.intSetting("s3Threads", 8);
        Wrk wrk = new Wrk(Tools.require("wrk", "wrk"), Bench.intSetting("threads", 2), Bench.intSetting("connections", 32));
        Path logs = out.resolve("logs");
        Files.createDirectories(logs);
        Path work = Files.createTempDirectory("pypub-bench-s3-");
        Path large = work.resolve("large.bin");
        Files.write(large, Fixtures.randomBytes(LARGE, 50));
        List<Candidate> candidates = List.of(
                new Candidate(BASELINE, i -> MotoServer.start(python.python(), logs.resolve("s3-bench-moto-" + i + ".log"), false)),
                // S3Proxy's in-memory backend (transient-nio2) is no candidate: it holds every object in its heap, and with
                // -Xmx512m it failed with OutOfMemoryError in the fifth round; its filesystem backend was as fast.
                new Candidate("S3Proxy", i -> S3ProxyServer.start(logs.resolve("s3-bench-s3proxy-" + i + ".log"),
                        work.resolve("s3proxy-" + i))));
        // rows: operation -> candidate -> one value per counted round
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        LoadGate gate = LoadGate.fromSettings();
        Map<String, LoopbackServer> servers = new LinkedHashMap<>();
        try {
            for (Candidate c : candidates) {
                servers.put(c.name(), c.starter().apply("measured"));
            }
            for (int round = 0; round <= rounds; round++) { // round 0 warms up (JIT, page cache) and is not counted
                if (round > 0 && !gate.await("s3, round " + round)) {
                    continue;
                }
                for (int i = 0; i < candidates.size(); i++) { // the order rotates from round to round
                    Candidate candidate = candidates.get((i + round) % candidates.size());
                    String name = candidate.name();
                    Map<String, Double> measured = measure(candidate, servers.get(name), wrk, threads, warmup, seconds, large, round);
                    System.out.printf("[bench] s3 %s%s: %s%n", name, round == 0 ? " (warm-up)" : "", measured);
                    if (round > 0) {
                        measured.forEach((op, v) -> values.computeIfAbsent(op, k -> new LinkedHashMap<>())
                                .computeIfAbsent(name, k -> new ArrayList<>()).add(v));
                    }
                }
            }
        } finally {
            servers.values().forEach(LoopbackServer::close);
            Tools.deleteTree(work);
        }
        return report(candidates, values, rounds, seconds, threads, wrk, gate);
    }

    /** One round on one server: its start time, then every operation, with its peak RSS. */
    private Map<String, Double> measure(Candidate candidate, LoopbackServer server, Wrk wrk, int threads, int warmup, int seconds, Path large, int round)
            throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        // A second instance, started and closed, times the start; the measured server keeps running across rounds (each
        // round in a new bucket), so the JVM's just-in-time compilation of round 0 serves the counted rounds, as it
        // serves a test JVM that talks to one server for minutes.
        long start = System.nanoTime();
        candidate.starter().apply("start-" + round).close();
        m.put("start ms", (System.nanoTime() - start) / 1e6);
        String bucket = "bench-s3-" + round;
        AwsSettings settings = new AwsSettings(AwsSettings.DEFAULT_REGION, bucket, "", null, "unused", "unused",
                server.endpoint(), server.endpoint());
        try (ProcessMemory memory = ProcessMemory.ofTree(server.pid());
                AwsClients clients = new AwsClients(settings, StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedAws.ACCESS_KEY_ID, EmbeddedAws.SECRET_ACCESS_KEY)))) {
            S3Client s3 = clients.s3();
            s3.createBucket(b -> b.bucket(bucket));
            S3ArtifactStore store = new S3ArtifactStore(s3, bucket);
            byte[] small = Fixtures.randomBytes(SMALL, 20 + round);
            byte[] medium = Fixtures.randomBytes(MEDIUM, 126 + round);

            long pid = server.pid();
            LongAdder puts = new LongAdder();
            measure(m, "PUT 20 KB", pid, threads, warmup, seconds, () -> {
                store.put("put/" + puts.sum() + "-" + Thread.currentThread().getId() + "-" + System.nanoTime(), small,
                        "application/octet-stream");
                puts.increment();
            });
            store.put("get/medium", medium, "application/octet-stream");
            measure(m, "HEAD", pid, threads, warmup, seconds, () -> {
                if (s3.headObject(b -> b.bucket(bucket).key("get/medium")).contentLength() != MEDIUM) {
                    throw new IllegalStateException("HEAD: wrong length");
                }
            });
            measure(m, "GET 126 KB (SDK)", pid, threads, warmup, seconds, () -> {
                if (s3.getObjectAsBytes(b -> b.bucket(bucket).key("get/medium")).asByteArray().length != MEDIUM) {
                    throw new IllegalStateException("GET: wrong length");
                }
            });
            String presigned = clients.presigner().presignGetObject(b -> b.signatureDuration(Duration.ofHours(1))
                    .getObjectRequest(g -> g.bucket(bucket).key("get/medium"))).url().toString();
            wrk.run(presigned, warmup);
            long cpu = cpuMillis(pid);
            Wrk.Result presignedGets = wrk.run(presigned, seconds);
            put(m, "GET 126 KB (presigned, wrk)", presignedGets.rate(), (cpuMillis(pid) - cpu) * 1000.0 / presignedGets.requests());

            parallel(threads, LISTED, i -> store.put("list/" + String.format("%04d", i), small, "application/octet-stream"));
            measure(m, "ListObjectsV2 1,000 keys", pid, threads, warmup, seconds, () -> {
                if (s3.listObjectsV2(b -> b.bucket(bucket).prefix("list/").maxKeys(LISTED)).keyCount() != LISTED) {
                    throw new IllegalStateException("ListObjectsV2: wrong count");
                }
            });

            FileDigest digest = FileDigest.of(large);
            long multipartStart = System.nanoTime();
            long multipartCpu = cpuMillis(pid);
            String key = "blobs/" + digest.sha256();
            try (StreamingBlobUpload upload = store.streamTo(key, digest.sha256(), "application/octet-stream", large).orElseThrow();
                    InputStream in = Files.newInputStream(large)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    upload.wrote(buffer, 0, n);
                }
                upload.complete(digest).orElseThrow(() -> new IllegalStateException("multipart upload not streamed"));
            }
            m.put("multipart 50 MB: MB/s", (LARGE / 1e6) / ((System.nanoTime() - multipartStart) / 1e9));
            m.put("multipart 50 MB: server CPU ms", (double) (cpuMillis(pid) - multipartCpu));
            m.put("peak RSS MiB", memory.peakKb() / 1024.0);
        }
        return m;
    }

    /**
     * Operations per second from {@code threads} threads calling {@code op} for {@code seconds}, after a warm-up, and the
     * server's CPU time per 1,000 of them: the rate depends on what else the shared machine runs, the CPU cost far less.
     */
    private static void measure(Map<String, Double> m, String op, long pid, int threads, int warmup, int seconds, Runnable call)
            throws Exception {
        run(threads, warmup, call);
        long cpu = cpuMillis(pid);
        long done = run(threads, seconds, call);
        put(m, op, done / (double) seconds, (cpuMillis(pid) - cpu) * 1000.0 / done);
    }

    private static void put(Map<String, Double> m, String op, double rate, double cpuPerThousand) {
        m.put(op + ": /s", rate);
        m.put(op + ": server CPU ms per 1,000", cpuPerThousand);
    }

    /** User + system CPU time of a process and its descendants, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) {
        return cpuTicks(pid) * 10 + ProcessHandle.of(pid).map(h -> h.descendants().mapToLong(d -> cpuTicks(d.pid()) * 10).sum())
                .orElse(0L);
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (java.io.IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static long run(int threads, int seconds, Runnable op) throws Exception {
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (!stop.get()) {
                        op.run();
                        done.increment();
                    }
                    return null;
                }));
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(); // an error in any request fails the benchmark
            }
            return done.sum();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void parallel(int threads, int count, java.util.function.IntConsumer op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> op.accept(n)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Report report(List<Candidate> candidates, Map<String, Map<String, List<Double>>> values, int rounds, int seconds,
            int threads, Wrk wrk, LoadGate gate) {
        List<String> header = new ArrayList<>(List.of("operation"));
        for (Candidate c : candidates) {
            header.add(c.name());
            if (!c.name().equals(BASELINE)) {
                header.add(c.name() + " / " + BASELINE);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        values.forEach((op, byServer) -> {
            List<String> row = new ArrayList<>(List.of(op));
            List<Double> base = byServer.getOrDefault(BASELINE, List.of());
            for (Candidate c : candidates) {
                List<Double> v = byServer.getOrDefault(c.name(), List.of());
                double median = v.isEmpty() ? Double.NaN : Report.median(v);
                boolean peak = op.startsWith("peak");
                double shown = peak ? v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN) : median;
                row.add(Report.fmt(shown, shown < 100 ? 1 : 0));
                if (!c.name().equals(BASELINE)) {
                    row.add(base.isEmpty() || v.isEmpty() ? "-" : "**" + Report.fmt(ratioOfRounds(v, base), 2) + "**");
                }
            }
            rows.add(row);
        });
        return new Report("Embedded S3 candidates: request rates, start and memory")
                .line("Medians of " + rounds + " counted rounds (a first round warms up and is not counted); in each round every server "
                        + "gets the same work in a new bucket (\"start ms\": a second instance started until its port answers, then "
                        + "closed), in an order that "
                        + "rotates each round, from core's S3 client as AwsClients configures it (URL-connection HTTP client, path "
                        + "style, checksums when required) on " + threads + " threads for " + seconds + " s per operation after a "
                        + "warm-up; the presigned GET with wrk " + wrk.threads() + " threads, " + wrk.connections()
                        + " connections. Ratios: the median of the per-round ratios candidate / moto; peak RSS: the highest "
                        + "of the rounds (the server process and its children). Multipart: one 50 MB StreamingBlobUpload per round "
                        + "(8 MiB parts, two in flight, Content-MD5 per part, then HEAD to verify). Servers: moto "
                        + "(pinned in core's requirements, threaded werkzeug), S3Proxy " + "(org.gaul:s3proxy jar-with-dependencies, own "
                        + "JVM: -Xmx512m -XX:+UseSerialGC) with its filesystem-nio2 backend in a temporary folder. Rates: higher is better; server CPU, start and RSS: lower is better.")
                .table(header, rows)
                .load(gate);
    }

    /** The median over rounds of candidate / baseline measured in the same round (rounds line up by index). */
    private static double ratioOfRounds(List<Double> candidate, List<Double> baseline) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(candidate.size(), baseline.size()); i++) {
            ratios.add(candidate.get(i) / baseline.get(i));
        }
        return Report.median(ratios);
    }
}
