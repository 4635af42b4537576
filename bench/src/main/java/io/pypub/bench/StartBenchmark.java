package io.pypub.bench;

import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import io.pypub.core.python.PythonEnvironment;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Issue 18, target 5: how long short work takes when most of it is the JVM starting. In alternating
 * rounds: {@code pypub serve} to its first answer (against pypiserver's), {@code pypub keys list}
 * (against {@code aws dynamodb scan} of the same table) and a publish's time from process start to
 * the start of its build subprocess (a python shim that notes the time and fails the build). Each
 * pypub row runs twice, without and with the class-data sharing archive built at package time
 * ({@code server/target/pypub.jsa}, with the flags {@code ./pypub} passes), so one run shows both.
 * Peak RSS of every process: {@code /usr/bin/time}'s maximum for the short ones, VmHWM for servers.
 */
final class StartBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final String PROJECT = "startpkg";
    private static final int KEYS = 20;
    /** Kept in step with the launcher script {@code pypub}. */
    static final List<String> CDS_FLAGS = List.of("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    StartBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    /** One way of starting pypub: the JVM flags before {@code -jar}. */
    private record Variant(String name, List<String> flags) {}

    /** One measurement: wall milliseconds and peak RSS in KB. */
    private record Sample(double millis, long peakKb) {}

    Report run() throws Exception {
        int rounds = Bench.intSetting("rounds", 5);
        Path jar = root.resolve("server/target/pypub.jar");
        Path jsa = root.resolve("server/target/pypub.jsa");
        Path time = Path.of("/usr/bin/time");
        if (!Files.isExecutable(time)) {
            Tools.require("time", "time");
        }
        List<Variant> variants = new ArrayList<>(List.of(new Variant("without CDS", List.of())));
        boolean archive = Files.isRegularFile(jsa) && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) >= 0;
        if (archive) {
            List<String> flags = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + jsa));
            flags.addAll(CDS_FLAGS);
            variants.add(new Variant("with CDS", flags));
        }
        Path awsCli = PythonEnvironment.ensure(root.resolve("target/bench-tools/awscli"), UploadBenchmark.AWSCLI + "\n",
                line -> System.out.println("[bench] " + line)).bin("aws");
        PythonEnvironment pypiserverEnv = Pypiserver.environment(root);
        Path work = out.resolve("start-files");
        Tools.deleteTree(work);
        Files.createDirectories(work);

        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-start-" + id, "", "bench-start-versions-" + id, "bench-start-access-" + id);
        String key;
        Path packages = work.resolve("packages");
        Files.createDirectories(packages);
        try (AwsClients clients = aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
            Version v = Version.parse("1.0.0");
            String name = PROJECT + "-1.0.0-py3-none-any.whl";
            byte[] body = Fixtures.randomBytes(10_000, 7);
            Files.write(packages.resolve(name), body);
            String objectKey = settings.layout().fileKey(STAGE, PROJECT, v, name);
            var digest = store.put(objectKey, body, "application/octet-stream");
            new DynamoVersionTable(clients.dynamo(), settings.versionTable()).record(new Release(STAGE, PROJECT, PROJECT, v,
                    List.of(new ReleaseFile(name, objectKey, digest.sha256(), digest.size(), ">=3.9", Instant.now(), null,
                            PackageType.WHEEL)), null, false, null, "bench", null, "Start benchmark", Instant.now()), false);
            ApiKeys keys = new ApiKeys(new ApiKeyTable(clients.dynamo(), settings.accessTable()), Clock.systemUTC());
            key = keys.create(new KeyPolicy("bench", Set.of(STAGE.name()), Set.of(), 1000, 1000, null, null, null), "bench")
                    .token().reveal();
            for (int i = 1; i < KEYS; i++) {
                keys.create(new KeyPolicy("client-" + i, Set.of(STAGE.name()), Set.of(), 50, 100, null, null, null), "bench");
            }
        }
        Path project = publishProject(work.resolve("project"));
        Map<String, String> env = Tools.awsEnvironment();
        List<String> deployment = List.of("--region", settings.region(), "--bucket", settings.bucket(), "--version-table",
                settings.versionTable(), "--access-table", settings.accessTable(), "--s3-endpoint", settings.s3Endpoint().toString(),
                "--dynamodb-endpoint", settings.dynamoEndpoint().toString());

        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        LoadGate gate = LoadGate.fromSettings();
        String simplePath = "/dev/simple/" + PROJECT + "/";
        for (int round = 0; round <= rounds; round++) { // round 0 warms the page cache and is not counted
            int r = round;
            if (r > 0 && !gate.await("start, round " + r)) {
                continue;
            }
            List<Runnable> steps = new ArrayList<>();
            for (Variant variant : variants) {
                steps.add(() -> add(samples, r, "serve/" + variant.name(), serveFirstAnswer(jar, variant, deployment, env, simplePath, key)));
                steps.add(() -> add(samples, r, "keys/" + variant.name(), timed(time, java(jar, variant, "keys", "list", deployment), env,
                        "keys list")));
                steps.add(() -> add(samples, r, "publish/" + variant.name(), publishOverhead(time, jar, variant, deployment, env, project,
                        work.resolve("shim-" + r))));
            }
            steps.add(() -> add(samples, r, "serve/pypiserver", pypiserverFirstAnswer(pypiserverEnv, packages)));
            steps.add(() -> add(samples, r, "keys/aws", timed(time, List.of(awsCli.toString(), "dynamodb", "scan", "--table-name",
                    settings.accessTable(), "--endpoint-url", settings.dynamoEndpoint().toString(), "--region", settings.region()), env,
                    "aws dynamodb scan")));
            for (int i = 0; i < steps.size(); i++) { // the order rotates from round to round
                steps.get((i + r) % steps.size()).run();
            }
        }
        // One more run of each command per variant with -Xlog:class+load: how many classes it loads, and from where.
        Map<String, Integer> loaded = new LinkedHashMap<>();
        Map<String, Integer> shared = new LinkedHashMap<>();
        for (Variant variant : variants) {
            for (String command : List.of("serve", "keys", "publish")) {
                Path log = work.resolve("class-load-" + command + "-" + variant.name().replace(' ', '-') + ".log");
                List<String> flags = new ArrayList<>(variant.flags());
                flags.add("-Xlog:class+load=info:file=" + log);
                Variant logged = new Variant(variant.name(), flags);
                switch (command) {
                    case "serve" -> serveFirstAnswer(jar, logged, deployment, env, simplePath, key);
                    case "keys" -> timed(time, java(jar, logged, "keys", "list", deployment), env, "keys list (class loading log)");
                    default -> publishOverhead(time, jar, logged, deployment, env, project, work.resolve("shim-class-load"));
                }
                List<String> lines = Files.readAllLines(log);
                loaded.put(command + "/" + variant.name(), lines.size());
                shared.put(command + "/" + variant.name(), (int) lines.stream().filter(l -> l.contains("shared objects file")).count());
            }
        }
        return report(variants, samples, loaded, shared, gate, rounds, archive);
    }

    private static void add(Map<String, List<Sample>> samples, int round, String row, Sample s) {
        if (round > 0) {
            samples.computeIfAbsent(row, k -> new ArrayList<>()).add(s);
        }
        System.out.printf("[bench] %s%s: %.0f ms, peak RSS %d MiB%n", row, round == 0 ? " (warm-up)" : "", s.millis(), s.peakKb() >> 10);
    }

    private Report report(List<Variant> variants, Map<String, List<Sample>> samples, Map<String, Integer> loaded,
            Map<String, Integer> shared, LoadGate gate, int rounds, boolean archive) {
        String cds = variants.get(variants.size() - 1).name();
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("`pypub serve`: start to the first answer (simple page with a key)", "serve", variants, samples,
                "pypiserver + gunicorn to its first answer", "serve/pypiserver"));
        rows.add(row("`pypub keys list` (" + KEYS + " keys)", "keys", variants, samples, "`aws dynamodb scan` of the same table",
                "keys/aws"));
        rows.add(row("`pypub publish`: start to the build subprocess", "publish", variants, samples, "-", null));
        List<String> header = new ArrayList<>(List.of("what"));
        variants.forEach(v -> header.add("pypub " + v.name() + " ms"));
        header.addAll(List.of("baseline", "baseline ms", "pypub " + cds + " / baseline", "peak RSS MiB: " + String.join(" / ",
                variants.stream().map(Variant::name).toList()) + " / baseline"));
        StringBuilder classes = new StringBuilder("Classes loaded (from the CDS archives) by");
        for (String command : List.of("serve", "keys", "publish")) {
            classes.append(command.equals("serve") ? " `pypub serve` to its first answer (and stop):" : command.equals("keys") ? "; `pypub keys list`:"
                    : "; `pypub publish` (its build failing at once):");
            for (Variant v : variants) {
                String row = command + "/" + v.name();
                classes.append(' ').append(v.name()).append(' ').append(loaded.get(row)).append(" (").append(shared.get(row)).append(')');
            }
        }
        classes.append('.');
        Report report = new Report("Start times: short pypub commands and the JVM start")
                .line("Medians of " + rounds + " rounds (a first, uncounted round warms the page cache), every process new, in an order "
                        + "that rotates each round, against the local S3/DynamoDB servers. JVM " + System.getProperty("java.version")
                        + "; as `./pypub` runs them, `serve` with server/deploy/index-jvm.options, `keys` and `publish` with "
                        + "server/deploy/cli-jvm.options. "
                        + (archive ? "\"with CDS\" adds the flags `./pypub` adds when server/target/pypub.jsa (built at package time, "
                        + "server/pom.xml) is there: `-XX:SharedArchiveFile=server/target/pypub.jsa " + String.join(" ", CDS_FLAGS) + "`."
                        : "No CDS archive newer than the jar (server/target/pypub.jsa): only the run without it."))
                .table(header, rows)
                .line(classes.toString())
                .line("The publish row is the time from starting `pypub publish` to its build subprocess starting (a `--python` shim "
                        + "that notes the time and fails the build): settings, AWS clients, the check that the pyproject's version "
                        + "is not published yet (one DynamoDB query).")
                .load(gate);
        double serve = median(samples, "serve/" + cds);
        double keys = median(samples, "keys/" + cds) / median(samples, "keys/aws");
        double publish = median(samples, "publish/" + cds);
        report.target("18.5: `pypub serve` first answer, " + cds, Report.fmt(serve, 0) + " ms", "<= 700 ms", serve <= 700)
                .target("18.5: `pypub keys list` / `aws dynamodb scan`, " + cds, keys, "<= 1.0", keys <= 1.0)
                .target("18.5: publish overhead before the build, " + cds, Report.fmt(publish, 0) + " ms", "<= 300 ms", publish <= 300)
                .notJudged("18.5: Lambda init + first call", "<= 600 ms", "see lambda.md");
        return report;
    }

    private static List<String> row(String what, String prefix, List<Variant> variants, Map<String, List<Sample>> samples,
            String baselineName, String baselineRow) {
        List<String> cells = new ArrayList<>(List.of(what));
        List<String> rss = new ArrayList<>();
        for (Variant v : variants) {
            cells.add(Report.fmt(median(samples, prefix + "/" + v.name()), 0));
            rss.add(mib(peak(samples, prefix + "/" + v.name())));
        }
        double cds = median(samples, prefix + "/" + variants.get(variants.size() - 1).name());
        if (baselineRow == null) {
            cells.addAll(List.of(baselineName, "-", "-"));
        } else {
            double base = median(samples, baselineRow);
            cells.addAll(List.of(baselineName, Report.fmt(base, 0), "**" + Report.fmt(cds / base, 2) + "**"));
            rss.add(mib(peak(samples, baselineRow)));
        }
        cells.add(String.join(" / ", rss));
        return cells;
    }

    private static double median(Map<String, List<Sample>> samples, String row) {
        List<Sample> s = samples.get(row);
        return s == null || s.isEmpty() ? Double.NaN : Report.median(s.stream().map(Sample::millis).toList());
    }

    private static long peak(Map<String, List<Sample>> samples, String row) {
        return samples.getOrDefault(row, List.of()).stream().mapToLong(Sample::peakKb).max().orElse(0);
    }

    private static String mib(long kb) {
        return Report.fmt(kb / 1024.0, 0);
    }

    /** The java command line as {@code ./pypub} makes it: serve with the index's options, the short commands with theirs. */
    private List<String> java(Path jar, Variant variant, String command, String sub, List<String> deployment) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.add("@" + root.resolve(command.equals("serve") ? "server/deploy/index-jvm.options" : "server/deploy/cli-jvm.options"));
        c.addAll(variant.flags());
        c.addAll(List.of("-jar", jar.toString(), command));
        if (sub != null) {
            c.add(sub);
        }
        c.addAll(deployment);
        return c;
    }

    /** Runs a command to its end under /usr/bin/time (for its peak RSS); wall time as seen from here. */
    private Sample timed(Path time, List<String> command, Map<String, String> env, String what) {
        try {
            Path rss = Files.createTempFile(out, "rss", ".txt");
            List<String> wrapped = new ArrayList<>(List.of(time.toString(), "-f", "%M", "-o", rss.toString()));
            wrapped.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(wrapped).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                Tools.stop(p);
                throw new IllegalStateException(what + " did not end within 120 s");
            }
            double millis = (System.nanoTime() - start) / 1e6;
            String text = Files.readString(rss).strip();
            Files.delete(rss);
            String last = text.substring(text.lastIndexOf('\n') + 1);
            if (p.exitValue() != 0 && !what.startsWith("publish")) {
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + text);
            }
            return new Sample(millis, Long.parseLong(last.strip()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code pypub serve} as {@code ./pypub serve} does and polls the simple page until it answers 200. */
    private Sample serveFirstAnswer(Path jar, Variant variant, List<String> deployment, Map<String, String> env, String path,
            String key) {
        int port = Tools.freePort();
        List<String> command = new ArrayList<>(java(jar, variant, "serve", null, deployment));
        command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port),
                "--download-cache-dir", out.resolve("start-download-cache").toString())); // not the user's ~/.cache/pypub
        return firstAnswer(command, env, "http://127.0.0.1:" + port + path, "Bearer " + key, out.resolve("logs/start-serve.log"));
    }

    private Sample pypiserverFirstAnswer(PythonEnvironment env, Path packages) {
        int port = Tools.freePort();
        try {
            long start = System.nanoTime();
            Process p = Pypiserver.launch(env, packages, port, out.resolve("logs/start-pypiserver.log"));
            return awaitAnswer(p, start, "http://127.0.0.1:" + port + "/simple/" + PROJECT + "/", null, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Sample firstAnswer(List<String> command, Map<String, String> env, String url, String authorization, Path log) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().putAll(env);
            long start = System.nanoTime();
            return awaitAnswer(pb.start(), start, url, authorization, false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Polls {@code url} every 10 ms until it answers 200, then stops the process; peak RSS of its tree at that point. */
    private Sample awaitAnswer(Process p, long start, String url, String authorization, boolean tree) {
        long deadline = start + Duration.ofSeconds(60).toNanos();
        try (ProcessMemory memory = tree ? ProcessMemory.ofTree(p.pid()) : new ProcessMemory(p.pid())) {
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(url + ": the server exited at start (exit " + p.exitValue() + ")");
                }
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
                if (authorization != null) {
                    b.header("Authorization", authorization);
                }
                try {
                    if (http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        double millis = (System.nanoTime() - start) / 1e6;
                        return new Sample(millis, memory.peakKb());
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Tools.sleep(10);
            }
            throw new IllegalStateException(url + " did not answer within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Tools.stop(p);
        }
    }

    /** Milliseconds from starting {@code pypub publish} to its build subprocess starting: a python shim notes the time and fails. */
    private Sample publishOverhead(Path time, Path jar, Variant variant, List<String> deployment, Map<String, String> env,
            Path project, Path shimDir) {
        try {
            Files.createDirectories(shimDir);
            Path stamp = shimDir.resolve("started-" + variant.name().replace(' ', '-'));
            Files.deleteIfExists(stamp);
            Path shim = shimDir.resolve("python-" + variant.name().replace(' ', '-'));
            Files.writeString(shim, "#!/bin/sh\n[ -f '" + stamp + "' ] || date +%s%N > '" + stamp + "'\nexit 1\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> command = new ArrayList<>(java(jar, variant, "publish", project.toString(), deployment));
            command.addAll(List.of("--stage", STAGE.name(), "--python", shim.toString(), "--no-docs", "--no-slack"));
            Instant started = Instant.now();
            Sample whole = timed(time, command, env, "publish");
            if (!Files.isRegularFile(stamp)) {
                throw new IllegalStateException("pypub publish never started its build (the python shim); see its output by running: "
                        + String.join(" ", command));
            }
            long nanos = Long.parseLong(Files.readString(stamp).strip());
            long startedNanos = started.getEpochSecond() * 1_000_000_000L + started.getNano();
            return new Sample((nanos - startedNanos) / 1e6, whole.peakKb());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path publishProject(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src/startpub"));
        Files.writeString(dir.resolve("pyproject.toml"), """
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "startpub"
                version = "1.0.0"
                """);
        Files.writeString(dir.resolve("src/startpub/__init__.py"), "");
        return dir;
    }
}
