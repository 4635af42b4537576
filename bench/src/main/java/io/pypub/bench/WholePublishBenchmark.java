package io.pypub.bench;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 18, target 6: the whole {@code pypub publish} of a small real project (the shaded jar started as {@code ./pypub}
 * starts it, with the CDS archive when it is newer than the jar: build, pdoc, upload, record) against the old pipeline's
 * steps for the same project and the same S3 server: {@code python -m build}, {@code pdoc}, {@code aws s3 cp} of the sdist
 * and of the wheel, {@code aws s3 sync} of the docs. The same interpreter builds for both, without build isolation (an
 * isolated build would time pip, not the pipelines). Each repetition is a new version, and the order alternates.
 */
final class WholePublishBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final String PROJECT = "wholepub";
    private static final Map<String, String> AWS_ENV = Tools.awsEnvironment();

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;

    WholePublishBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    /** Runs the repetitions and adds the section and its target to {@code report}. */
    void addTo(Report report, Path awsCli) throws IOException {
        int reps = Bench.intSetting("publishReps", 5);
        if (reps < 1) {
            report.line("").line("The whole publish (18.6) was not measured: -Dbench.publishReps=" + reps + ".");
            return;
        }
        Path python = PythonEnvironment.ensure(root.resolve("target/bench-tools/pyenv"), PythonEnvironment.toolsRequirements(),
                line -> System.out.println("[bench] " + line)).python();
        Path jar = root.resolve("server/target/pypub.jar");
        Path jsa = root.resolve("server/target/pypub.jsa");
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        boolean cds = Files.isRegularFile(jsa) && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) >= 0;
        if (cds) {
            java.add("-XX:SharedArchiveFile=" + jsa);
            java.addAll(StartBenchmark.CDS_FLAGS);
        }
        java.addAll(List.of("-Dpypub.home=" + root, "-jar", jar.toString()));

        Path work = out.resolve("publish-files");
        Tools.deleteTree(work);
        Path project = project(work.resolve("project"));
        Path log = out.resolve("logs/whole-publish.log");
        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-publish-" + id, "", "bench-publish-versions-" + id, "bench-publish-access-" + id);
        List<String> publish = new ArrayList<>(java);
        publish.addAll(List.of("publish", project.toString(), "--stage", STAGE.name(), "--python", python.toString(),
                "--no-isolation", "--no-slack", "--region", settings.region(), "--bucket", settings.bucket(), "--version-table",
                settings.versionTable(), "--access-table", settings.accessTable(), "--s3-endpoint", settings.s3Endpoint().toString(),
                "--dynamodb-endpoint", settings.dynamoEndpoint().toString()));
        List<Double> ours = new ArrayList<>();
        List<Double> old = new ArrayList<>();
        try (AwsClients clients = aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
            for (int rep = 0; rep <= reps; rep++) { // repetition 0 warms up (page cache, pip's and Python's caches) and is not counted
                String version = "1.0." + rep;
                setVersion(project, version);
                int r = rep;
                Runnable pypub = () -> {
                    ours.add(time(publish, project, log, "pypub publish"));
                    if (versions.release(STAGE, PROJECT, Version.parse(version)).isEmpty()) {
                        throw new IllegalStateException("pypub publish recorded no " + PROJECT + " " + version + "; see " + log);
                    }
                };
                Runnable pipeline = () -> old.add(oldPipeline(python, awsCli, project, work.resolve("old-" + r), settings.bucket(),
                        "old/" + r + "/", log));
                if (rep % 2 == 0) {
                    pypub.run();
                    pipeline.run();
                } else {
                    pipeline.run();
                    pypub.run();
                }
                System.out.printf("[bench] whole publish repetition %d: pypub publish %.3f s, old pipeline %.3f s%s%n", rep,
                        ours.get(ours.size() - 1), old.get(old.size() - 1), rep == 0 ? " (warm-up)" : "");
                if (rep == 0) {
                    ours.clear();
                    old.clear();
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            rows.add(List.of(Integer.toString(i + 1), Report.fmt(ours.get(i), 3), Report.fmt(old.get(i), 3),
                    Report.ratio(ours.get(i), old.get(i))));
        }
        double o = Report.median(ours);
        double b = Report.median(old);
        rows.add(List.of("**median**", "**" + Report.fmt(o, 3) + "**", "**" + Report.fmt(b, 3) + "**", "**" + Report.ratio(o, b) + "**"));
        report.line("")
                .line("## The whole publish (18.6)")
                .line("")
                .line("A small setuptools project (a package of two modules with docstrings, no dependencies), a new version each "
                        + "repetition, to the same local S3 server; " + reps + " repetitions after one warm-up, alternating which "
                        + "goes first.")
                .line("")
                .line("- **pypub**: `java" + (cds ? " -XX:SharedArchiveFile=server/target/pypub.jsa " + String.join(" ", StartBenchmark.CDS_FLAGS)
                        : "") + " -jar server/target/pypub.jar publish --no-isolation` (as `./pypub publish` starts it"
                        + (cds ? ", with the CDS archive" : "; no CDS archive newer than the jar") + "): build sdist and wheel, pdoc "
                        + "on the wheel, upload, record in DynamoDB.")
                .line("- **old pipeline**: `python -m build --no-isolation`, `python -m pdoc` on the source, `aws s3 cp` of the sdist, "
                        + "`aws s3 cp` of the wheel, `aws s3 sync` of the docs (no record: the old pipeline's DynamoDB write is not "
                        + "counted for it).")
                .table(List.of("repetition", "pypub publish (s)", "old pipeline (s)", "ratio"), rows)
                .target("18.6: whole `pypub publish` / build + pdoc + `aws s3 cp` + `aws s3 sync`", o / b, "<= 1.0", o / b <= 1.0);
    }

    private double oldPipeline(Path python, Path awsCli, Path project, Path dir, String bucket, String prefix, Path log) {
        try {
            Path dist = dir.resolve("dist");
            Path docs = dir.resolve("docs");
            long start = System.nanoTime();
            run(List.of(python.toString(), "-m", "build", "--no-isolation", "--outdir", dist.toString(), project.toString()), project,
                    Map.of(), log, "python -m build");
            run(List.of(python.toString(), "-m", "pdoc", "-o", docs.toString(), PROJECT), project,
                    Map.of("PYTHONPATH", project.resolve("src").toString()), log, "pdoc");
            double seconds = (System.nanoTime() - start) / 1e9;
            try (var files = Files.list(dist)) {
                for (Path f : files.sorted().toList()) {
                    seconds += Tools.timeAwsS3(awsCli, aws.s3Endpoint(), log, "cp", f.toString(), "s3://" + bucket + "/" + prefix
                            + f.getFileName());
                }
            }
            seconds += Tools.timeAwsS3(awsCli, aws.s3Endpoint(), log, "sync", docs.toString(), "s3://" + bucket + "/" + prefix + "docs/");
            return seconds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double time(List<String> command, Path dir, Path log, String what) {
        long start = System.nanoTime();
        run(command, dir, AWS_ENV, log, what);
        return (System.nanoTime() - start) / 1e9;
    }

    private static void run(List<String> command, Path dir, Map<String, String> env, Path log, String what) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("PYPUB_"));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path project(Path dir) throws IOException {
        Path pkg = dir.resolve("src/" + PROJECT);
        Files.createDirectories(pkg);
        Files.writeString(pkg.resolve("__init__.py"), """
                \"\"\"Whole-publish benchmark package: greets people and counts words.\"\"\"

                from .words import count_words

                __all__ = ["greet", "count_words"]


                def greet(name: str) -> str:
                    \"\"\"Returns a greeting for ``name``.

                    >>> greet("pypub")
                    'Hello, pypub!'
                    \"\"\"
                    return f"Hello, {name}!"
                """);
        Files.writeString(pkg.resolve("words.py"), """
                \"\"\"Counting words in text.\"\"\"


                def count_words(text: str) -> dict[str, int]:
                    \"\"\"Counts each word of ``text``, case-insensitively.\"\"\"
                    counts: dict[str, int] = {}
                    for word in text.lower().split():
                        counts[word] = counts.get(word, 0) + 1
                    return counts


                class Tally:
                    \"\"\"A running count of words over several texts.\"\"\"

                    def __init__(self) -> None:
                        self.counts: dict[str, int] = {}

                    def add(self, text: str) -> None:
                        \"\"\"Adds the words of ``text``.\"\"\"
                        for word, n in count_words(text).items():
                            self.counts[word] = self.counts.get(word, 0) + n
                """);
        Files.writeString(dir.resolve("README.md"), "# wholepub\n\nA small package for pypub's whole-publish benchmark.\n");
        return dir;
    }

    private static void setVersion(Path project, String version) throws IOException {
        Files.writeString(project.resolve("pyproject.toml"), """
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "%s"
                version = "%s"
                description = "A small package for pypub's whole-publish benchmark"
                readme = "README.md"
                requires-python = ">=3.9"
                """.formatted(PROJECT, version));
    }
}
