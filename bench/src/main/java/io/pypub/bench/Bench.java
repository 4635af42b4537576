package io.pypub.bench;

import io.pypub.core.python.PythonEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the benchmarks ({@code upload}, {@code index}, {@code start}, {@code lambda}, ..., or {@code all}; {@code s3}
 * only when named) against local S3 and
 * DynamoDB API servers and writes one Markdown report per benchmark to {@code target/bench/}.
 * Every number is reported next to a baseline measured in the same run (aws-cli, nginx, pypiserver), so the
 * ratios hold on a noisy, shared machine where the absolute times do not.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "all" : args[0];
        List<String> selected = which.equals("all") ? List.of("upload", "legacy-upload", "index", "upstream", "start", "lambda", "scale") : List.of(which.split(","));
        Path root = repoRoot();
        Path out = root.resolve("target/bench");
        Files.createDirectories(out);
        // The bench's own venv for the embedded servers: target/pyenv is the tests' (other requirements), which
        // ensure() would otherwise replace on every run.
        PythonEnvironment python = PythonEnvironment.ensure(root.resolve("target/bench-tools/pyenv"), PythonEnvironment.toolsRequirements(),
                line -> System.out.println("[bench] " + line));
        try (EmbeddedDeployments aws = EmbeddedDeployments.start(python, out.resolve("logs"))) {
            for (String name : selected) {
                Report report = switch (name) {
                    case "upload" -> new UploadBenchmark(root, out, aws).run();
                    case "index" -> new IndexBenchmark(root, out, aws).run();
                    case "lambda" -> new LambdaColdStartBenchmark(root, out, aws).run();
                    case "upstream" -> new UpstreamBenchmark(root, out, aws).run();
                    case "legacy-upload" -> new LegacyUploadBenchmark(root, out, aws).run();
                    case "start" -> new StartBenchmark(root, out, aws).run();
                    case "scale" -> new ScaleBenchmark(root, out, aws).run();
                    case "s3" -> new S3Benchmark(out, python).run();
                    default -> throw new IllegalArgumentException("Unknown benchmark '" + name
                            + "': use upload, legacy-upload, index, upstream, start, lambda, scale, s3 or all");
                };
                report.write(out.resolve(name + ".md"));
            }
        }
    }

    static Path repoRoot() {
        String fromMaven = System.getProperty("pypub.repoRoot");
        Path p = (fromMaven == null || fromMaven.isBlank() ? Path.of("") : Path.of(fromMaven)).toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("server"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("Cannot find the repository root; pass -Dpypub.repoRoot=...");
        }
        return p;
    }

    static int intSetting(String name, int defaultValue) {
        return Integer.parseInt(System.getProperty("bench." + name, Integer.toString(defaultValue)).strip());
    }

    static String setting(String name, String defaultValue) {
        return System.getProperty("bench." + name, defaultValue).strip();
    }
}
