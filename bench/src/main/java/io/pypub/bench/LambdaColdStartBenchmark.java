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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cold start of the index Lambda handler, new JVM to first response, with and without the SnapStart
 * priming hook, on this machine (a report, not a timed test). Each start is a new JVM running
 * {@link LambdaColdStartProbe} on server/target/pypub.jar with the function's JAVA_TOOL_OPTIONS.
 */
final class LambdaColdStartBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final String PROJECT = "coldstart-package";

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;

    LambdaColdStartBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    Report run() throws Exception {
        int reps = Bench.intSetting("reps", 5);
        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-lambda-" + id, "", "bench-lambda-versions-" + id, "bench-lambda-access-" + id);
        Map<String, String> env = new HashMap<>();
        try (AwsClients clients = aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
            Version v = Version.parse("1.0.0");
            String name = PROJECT + "-1.0.0.tar.gz";
            String objectKey = settings.layout().fileKey(STAGE, PROJECT, v, name);
            var digest = store.put(objectKey, Fixtures.randomBytes(10_000, 1), "application/octet-stream");
            new DynamoVersionTable(clients.dynamo(), settings.versionTable()).record(new Release(STAGE, PROJECT, PROJECT, v,
                    List.of(new ReleaseFile(name, objectKey, digest.sha256(), digest.size(), ">=3.9", Instant.now(), null,
                            PackageType.SDIST)), null, false, null, "bench", null, "Cold start benchmark", Instant.now()), false);
            env.put("PYPUB_BENCH_KEY", new ApiKeys(new ApiKeyTable(clients.dynamo(), settings.accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("bench", Set.of(STAGE.name()), Set.of(), 1000, 1000, null, null, null), "bench")
                    .token().reveal());
        }
        env.putAll(Map.of("AWS_REGION", settings.region(), "PYPUB_BUCKET", settings.bucket(),
                "PYPUB_VERSION_TABLE", settings.versionTable(), "PYPUB_ACCESS_TABLE", settings.accessTable(),
                "PYPUB_S3_ENDPOINT", settings.s3Endpoint().toString(), "PYPUB_DYNAMODB_ENDPOINT", settings.dynamoEndpoint().toString(),
                "PYPUB_BENCH_PATH", "/dev/simple/" + PROJECT + "/"));
        env.putAll(Tools.awsEnvironment());
        env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1"); // as deploy/aws/pypub.yaml sets it

        Path jar = root.resolve("server/target/pypub.jar");
        Path classes = root.resolve("bench/target/classes");
        Map<String, List<Map<String, Long>>> results = new LinkedHashMap<>();
        for (String mode : List.of("plain", "primed")) {
            results.put(mode, new ArrayList<>());
        }
        probe(jar, classes, env, "plain"); // warms the OS page cache for the jar; not counted
        for (int i = 0; i < reps; i++) {
            for (String mode : List.of("plain", "primed")) {
                results.get(mode).add(probe(jar, classes, env, mode));
            }
        }

        Report report = new Report("Lambda cold start: new JVM to first response, with and without SnapStart priming");
        report.line("Each row is the median of " + reps + " new JVMs (" + System.getProperty("java.version")
                + ", JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 as the template sets it) on this machine, each running the handler's"
                + " init (the runtime's no-argument constructor), then with `primed` IndexLambdaHandler.prime() (what SnapStart's"
                + " beforeCheckpoint runs before the snapshot), then a first and a second real request: the simple page of a"
                + " project with an API key, against the local S3/DynamoDB servers. Milliseconds.");
        List<List<String>> rows = new ArrayList<>();
        for (var e : results.entrySet()) {
            List<Map<String, Long>> runs = e.getValue();
            rows.add(List.of(e.getKey(), med(runs, "wall"), med(runs, "jvm_to_main"), med(runs, "init"), med(runs, "prime"),
                    med(runs, "first"), med(runs, "second")));
        }
        report.table(List.of("mode", "new JVM to first response (wall)", "JVM start to main", "init", "priming", "first request",
                "second request"), rows);
        report.line("With SnapStart, Lambda runs init and priming once per published version and snapshots the result;"
                + " a cold start is then a restore (not measurable without Lambda's CRaC runtime) plus the `first request`"
                + " column of `primed`. Without SnapStart a cold start is the whole `plain` wall time. The difference between"
                + " the two `first request` columns is what priming takes off the first request after a restore.");
        // Issue 18, target 5: without SnapStart a cold start is init plus the first call.
        double initFirst = Report.median(results.get("plain").stream().map(r -> (double) (r.get("init") + r.get("first"))).toList());
        report.target("18.5: Lambda init + first call, no SnapStart", Report.fmt(initFirst, 0) + " ms", "<= 600 ms", initFirst <= 600);
        return report;
    }

    private static String med(List<Map<String, Long>> runs, String field) {
        return Report.fmt(Report.median(runs.stream().map(r -> (double) r.get(field)).toList()), 0);
    }

    private Map<String, Long> probe(Path jar, Path classes, Map<String, String> env, String mode) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                jar + java.io.File.pathSeparator + classes, LambdaColdStartProbe.class.getName(), mode);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = out.resolve("logs/lambda-coldstart-" + mode + ".log");
        Files.createDirectories(log.getParent());
        long start = System.nanoTime();
        Process p = pb.start();
        Map<String, Long> result = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("RESULT ") && result == null) {
                    long wall = (System.nanoTime() - start) / 1_000_000;
                    result = new LinkedHashMap<>();
                    for (String kv : line.substring(7).split(" ")) {
                        String[] parts = kv.split("=");
                        result.put(parts[0], Long.parseLong(parts[1]));
                    }
                    result.put("wall", wall);
                }
            }
        }
        p.waitFor();
        Files.writeString(log, seen);
        if (result == null || result.get("status") != 200) {
            throw new IllegalStateException("cold start probe (" + mode + ") failed, see " + log);
        }
        // The wall time above includes the second request; take it off so the column is JVM start to first response.
        result.put("wall", result.get("wall") - result.get("second"));
        return result;
    }
}
