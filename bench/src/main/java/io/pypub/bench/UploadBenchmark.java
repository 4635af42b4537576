package io.pypub.bench;

import io.pypub.core.docs.DocsUploader;
import io.pypub.core.inspect.DistributionInspector;
import io.pypub.core.inspect.InspectedDistribution;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import io.pypub.core.publish.ReleaseWriter;
import io.pypub.embedded.EmbeddedAws;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 3: the upload+record phase of a publish (1 MB sdist with its PEP 658 metadata, 200 docs
 * files, the DynamoDB transaction) through the pipeline's own classes, against {@code aws s3 sync}
 * of the same files to the same local S3 server. Each repetition uses a new version for us and a
 * new prefix for aws-cli, so both really upload; the order alternates between repetitions.
 */
final class UploadBenchmark {
    static final String AWSCLI = "awscli==1.46.2";
    private static final Stage STAGE = Stage.of("dev");
    private static final String PROJECT = "benchpkg";
    private static final int SDIST_PAYLOAD = 1_000_000;
    private static final int DOCS_FILES = 200;

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;

    UploadBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    Report run() throws IOException, InterruptedException {
        int reps = Bench.intSetting("reps", 5);
        // More than one count (-Dbench.uploadThreads=8,16,32) measures each in the same rounds, for choosing the default.
        String counts = Bench.setting("uploadThreads", "");
        List<Integer> threadCounts = counts.isEmpty() ? List.of(DocsUploader.DEFAULT_THREADS)
                : java.util.Arrays.stream(counts.split(",")).map(String::strip).map(Integer::valueOf).toList();
        Path work = out.resolve("upload-files");
        Tools.deleteTree(work);
        Path docs = Fixtures.docsSite(work.resolve("docs"), PROJECT, DOCS_FILES, 42);
        long docsBytes;
        try (var files = Files.walk(docs)) {
            docsBytes = files.filter(Files::isRegularFile).mapToLong(Tools::sizeOf).sum();
        }
        Path aws = PythonEnvironment.ensure(root.resolve("target/bench-tools/awscli"), AWSCLI + "\n",
                line -> System.out.println("[bench] " + line)).bin("aws");
        AwsSettings settings = this.aws.settings("bench-upload-" + System.currentTimeMillis(), "", "bench-upload-versions",
                "bench-upload-access");
        java.util.Map<Integer, List<Double>> ours = new java.util.LinkedHashMap<>();
        threadCounts.forEach(t -> ours.put(t, new ArrayList<>()));
        List<Double> cli = new ArrayList<>();
        long sdistBytes = 0;
        double serverPutsPerSecond;
        try (AwsClients clients = this.aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
            DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
            for (int rep = 0; rep <= reps; rep++) { // repetition 0 warms both up and is not counted
                List<Runnable> steps = new ArrayList<>();
                double[] cliTime = new double[1];
                java.util.Map<Integer, Double> ourTimes = new java.util.LinkedHashMap<>();
                for (int i = 0; i < threadCounts.size(); i++) {
                    int threads = threadCounts.get(i);
                    Version version = Version.parse(i + ".0." + rep);
                    Path sdist = Fixtures.sdist(work.resolve("dist-" + i + "-" + rep), PROJECT, version.normalized(), SDIST_PAYLOAD,
                            rep);
                    sdistBytes = Files.size(sdist);
                    InspectedDistribution dist = new DistributionInspector().inspect(sdist);
                    steps.add(() -> {
                        ourTimes.put(threads, uploadAndRecord(store, versions, settings.layout(), dist, docs, version, threads));
                        if (versions.release(STAGE, PROJECT, version).isEmpty()) {
                            throw new IllegalStateException("pypub did not record " + version);
                        }
                    });
                }
                Version syncVersion = Version.parse("99.0." + rep);
                Path syncSdist = Fixtures.sdist(work.resolve("dist-sync-" + rep), PROJECT, syncVersion.normalized(), SDIST_PAYLOAD, rep);
                Path tree = syncTree(work.resolve("sync-" + rep), settings.layout(), syncVersion, syncSdist, docs);
                String syncPrefix = "awscli-" + rep + "/";
                String destination = "s3://" + settings.bucket() + "/" + syncPrefix;
                steps.add(() -> cliTime[0] = awsSync(aws, tree, destination));
                java.util.Collections.rotate(steps, rep); // a different one goes first in each repetition
                steps.forEach(Runnable::run);
                long synced = clients.s3().listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(syncPrefix))
                        .contents().stream().count();
                if (synced != DOCS_FILES + 1) {
                    throw new IllegalStateException("Repetition " + rep + " did not upload everything (aws-cli: " + synced + " objects)");
                }
                System.out.printf("[bench] upload repetition %d: pypub %s s, aws s3 sync %.3f s%s%n", rep,
                        ourTimes.entrySet().stream().map(e -> Report.fmt(e.getValue(), 3) + " (" + e.getKey() + " threads)").toList(),
                        cliTime[0], rep == 0 ? " (warm-up)" : "");
                if (rep > 0) {
                    ourTimes.forEach((t, v) -> ours.get(t).add(v));
                    cli.add(cliTime[0]);
                }
            }
            serverPutsPerSecond = S3PutRate.measure(clients.s3(), settings.bucket(), "put-rate/", 400, 32);
        }
        double c = Report.median(cli);
        List<String> header = new ArrayList<>(List.of("repetition"));
        threadCounts.forEach(t -> header.add("pypub, " + t + " threads (s)"));
        header.addAll(List.of("aws s3 sync (s)", "ratio pypub/aws-cli"));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < cli.size(); i++) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(i + 1)));
            int rep = i;
            threadCounts.forEach(t -> row.add(Report.fmt(ours.get(t).get(rep), 3)));
            row.add(Report.fmt(cli.get(i), 3));
            row.add(String.join(" / ", threadCounts.stream().map(t -> Report.ratio(ours.get(t).get(rep), cli.get(rep))).toList()));
            rows.add(row);
        }
        List<String> medianRow = new ArrayList<>(List.of("**median**"));
        threadCounts.forEach(t -> medianRow.add("**" + Report.fmt(Report.median(ours.get(t)), 3) + "**"));
        medianRow.add("**" + Report.fmt(c, 3) + "**");
        medianRow.add("**" + String.join(" / ", threadCounts.stream().map(t -> Report.ratio(Report.median(ours.get(t)), c)).toList())
                + "**");
        rows.add(medianRow);
        int requests = DOCS_FILES + 4; // the sdist, its metadata, the docs; the HEADs of both after the record
        int chosen = threadCounts.contains(DocsUploader.DEFAULT_THREADS) ? DocsUploader.DEFAULT_THREADS : threadCounts.get(0);
        double ratio = Report.median(ours.get(chosen)) / c;
        Report report = new Report("Upload benchmark: upload+record vs. aws s3 sync")
                .line("Files: one sdist of " + sdistBytes + " bytes and " + DOCS_FILES + " docs files ("
                        + docsBytes + " bytes, 1-30 KB each), to the same local S3 API server ("
                        + EmbeddedAws.s3ServerName() + ").")
                .line("")
                .line("- **pypub**: what `pypub publish` does after its build: `ReleaseWriter.uploadAll` (the sdist, its PEP 658 "
                        + "metadata and the docs on one pool; S3 checks each body against its Content-MD5, no HEAD after a put), then "
                        + "`ReleaseWriter.record` (the DynamoDB transaction, then a HEAD of each recorded object).")
                .line("- **aws-cli**: `aws s3 sync` (" + AWSCLI + ", a new process each time as in the old pipeline) of the same "
                        + "sdist and docs, " + (DOCS_FILES + 1) + " objects.")
                .line("- " + reps + " repetitions after one warm-up, rotating which goes first; fresh keys every time.")
                .table(header, rows)
                .line("Ratio below 1 means pypub's upload+record phase is faster than `aws s3 sync` of the same files. pypub makes "
                        + requests + " S3 requests: " + Report.fmt(requests / Report.median(ours.get(chosen)), 0) + " per second at "
                        + chosen + " threads. The S3 server alone (" + 400 + " PUTs of 1 KB from 32 threads, after the repetitions): "
                        + Report.fmt(serverPutsPerSecond, 0) + " PUTs per second.")
                .target("18.6: upload+record with " + DOCS_FILES + " docs files / `aws s3 sync`, " + chosen + " threads", ratio,
                        "<= 0.5", ratio <= 0.5);
        new WholePublishBenchmark(root, out, this.aws).addTo(report, aws);
        return report;
    }

    /** What PublishPipeline does after the build and inspection: upload the files and docs on one pool, then record. */
    private static double uploadAndRecord(S3ArtifactStore store, DynamoVersionTable versions, StorageLayout layout,
            InspectedDistribution dist, Path docs, Version version, int threads) {
        long start = System.nanoTime();
        ReleaseWriter writer = new ReleaseWriter(store, store, versions, layout);
        ReleaseWriter.Uploaded up = writer.uploadAll(List.of(dist), docs, STAGE, PROJECT, version, Instant.now(), threads,
                PublishLog.SILENT);
        writer.record(new Release(STAGE, PROJECT, dist.metadata().name(), version, up.files(), up.docsPrefix(), false, null,
                "bench", null, dist.metadata().summary(), Instant.now()), null, PublishLog.SILENT);
        return (System.nanoTime() - start) / 1e9;
    }

    /** The same files laid out under the keys pypub uses, for one {@code aws s3 sync}. */
    private static Path syncTree(Path tree, StorageLayout layout, Version version, Path sdist, Path docs) throws IOException {
        Path dist = tree.resolve(layout.fileKey(STAGE, PROJECT, version, sdist.getFileName().toString()));
        Files.createDirectories(dist.getParent());
        Files.copy(sdist, dist);
        Path docsTarget = tree.resolve(layout.legacyDocsPrefix(STAGE, PROJECT, version));
        try (var files = Files.walk(docs)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path target = docsTarget.resolve(docs.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
        return tree;
    }

    private double awsSync(Path awsCommand, Path tree, String destination) {
        try {
            return Tools.timeAwsS3(awsCommand, aws.s3Endpoint(), out.resolve("logs/awscli.log"), "sync", tree.toString(), destination);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
