package io.pypub.bench;

import io.pypub.core.storage.AwsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `pypub serve` from the shaded jar as its own JVM, as the benchmarks run it: on the embedded deployment {@code s},
 * with the caller's JVM options and extra serve options, the server's environment as {@code ./pypub serve} and the
 * image set it (server/deploy/index-env), dummy AWS credentials and nothing of the caller's AWS or pypub environment;
 * returns once it listens.
 */
final class IndexProcess {
    private IndexProcess() {}

    /** The shaded jar the benchmarks run, built by the reactor before the bench module. */
    static Path jar(Path root) {
        Path jar = root.resolve("server/target/pypub.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the benchmarks with ./mvnw -B -Pbench verify");
        }
        return jar;
    }

    static Process start(List<String> jvmOptions, Path jar, AwsSettings s, int port, Path auditLog, List<String> serveOptions,
            Optional<MemoryCgroup> cgroup, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--bucket", s.bucket(), "--version-table", s.versionTable(), "--access-table", s.accessTable(),
                "--region", s.region(), "--s3-endpoint", s.s3Endpoint().toString(),
                "--dynamodb-endpoint", s.dynamoEndpoint().toString(), "--audit-log", auditLog.toString()));
        command.addAll(serveOptions);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cgroup.map(g -> g.wrap(command)).orElse(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("PYPUB_") || k.startsWith("JAVA_TOOL"));
        pb.environment().putAll(serveEnvironment(jar));
        pb.environment().putAll(Tools.awsEnvironment());
        // A download cache of the benchmark's own, not the user's ~/.cache/pypub (--download-cache-dir still wins).
        pb.environment().put("PYPUB_DOWNLOAD_CACHE_DIR", log.resolveSibling("download-cache-" + port).toString());
        Process p = pb.start();
        Tools.awaitPort(p, port, "The index server", log);
        return p;
    }

    /** The NAME=value lines of server/deploy/index-env, next to the jar's server/target. */
    static Map<String, String> serveEnvironment(Path jar) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(jar.toAbsolutePath().getParent().resolveSibling("deploy").resolve("index-env"))) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (!l.isEmpty() && !l.startsWith("#") && eq > 0) {
                env.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return env;
    }
}
