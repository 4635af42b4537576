package io.pypub.bench;

import io.pypub.core.docs.DocsUploader;
import io.pypub.core.inspect.DistributionInspector;
import io.pypub.core.inspect.InspectedDistribution;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        List<Double> ours = new ArrayList<>();
        List<Double> cli = new ArrayList<>();
        long sdistBytes = 0;
        try (AwsClients clients = this.aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            S3ArtifactStore store = new S3ArtifactStore(clients.s3(), settings.bucket());
            DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
            for (int rep = 0; rep <= reps; rep++) { // repetition 0 warms both up and is not counted
                Version version = Version.parse("1.0." + rep);
                Path sdist = Fixtures.sdist(work.resolve("dist-" + rep), PROJECT, version.normalized(), SDIST_PAYLOAD, rep);
                sdistBytes = Files.size(sdist);
                InspectedDistribution dist = new DistributionInspector().inspect(sdist);
                Path tree = syncTree(work.resolve("sync-" + rep), settings.layout(), version, sdist, docs);
                String syncPrefix = "awscli-" + rep + "/";
                String destination = "s3://" + settings.bucket() + "/" + syncPrefix;
                double a;
                double b;
                if (rep % 2 == 0) {
                    a = uploadAndRecord(store, versions, settings.layout(), dist, docs, version);
                    b = awsSync(aws, tree, destination);
                } else {
                    b = awsSync(aws, tree, destination);
                    a = uploadAndRecord(store, versions, settings.layout(), dist, docs, version);
                }
                long synced = clients.s3().listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(syncPrefix))
                        .contents().stream().count();
                if (synced != DOCS_FILES + 1 || versions.release(STAGE, PROJECT, version).isEmpty()) {
                    throw new IllegalStateException("Repetition " + rep + " did not upload everything (aws-cli: " + synced + " objects)");
                }
                System.out.printf("[bench] upload repetition %d: pypub %.3f s, aws s3 sync %.3f s%s%n", rep, a, b,
                        rep == 0 ? " (warm-up)" : "");
                if (rep > 0) {
                    ours.add(a);
                    cli.add(b);
                }
            }
        }
        double o = Report.median(ours);
        double c = Report.median(cli);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            rows.add(List.of(Integer.toString(i + 1), Report.fmt(ours.get(i), 3), Report.fmt(cli.get(i), 3),
                    Report.ratio(ours.get(i), cli.get(i))));
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            ratios.add(ours.get(i) / cli.get(i));
        }
        rows.add(List.of("**median**", "**" + Report.fmt(o, 3) + "**", "**" + Report.fmt(c, 3) + "**",
                "**" + Report.ratio(o, c) + "** (median of the ratios: " + Report.fmt(Report.median(ratios), 2) + ")"));
        return new Report("Upload benchmark: upload+record vs. aws s3 sync")
                .line("Files: one sdist of " + sdistBytes + " bytes and " + DOCS_FILES + " docs files ("
                        + docsBytes + " bytes, 1-30 KB each), to the same local S3 API server (moto).")
                .line("")
                .line("- **pypub**: S3ArtifactStore.put of the sdist and its PEP 658 metadata, DocsUploader ("
                        + DocsUploader.DEFAULT_THREADS + " threads), DynamoVersionTable.record; every put is verified by HEAD.")
                .line("- **aws-cli**: `aws s3 sync` (" + AWSCLI + ", a new process each time as in the old pipeline) of the same "
                        + "sdist and docs, " + (DOCS_FILES + 1) + " objects.")
                .line("- " + reps + " repetitions after one warm-up, alternating which goes first; fresh keys every time.")
                .table(List.of("repetition", "pypub (s)", "aws s3 sync (s)", "ratio pypub/aws-cli"), rows)
                .line("Ratio below 1 means pypub's upload+record phase is faster than `aws s3 sync` of the same files.");
    }

    /** What PublishPipeline does after the build and inspection: upload, verify, upload the docs, record. */
    private static double uploadAndRecord(S3ArtifactStore store, DynamoVersionTable versions, StorageLayout layout,
            InspectedDistribution dist, Path docs, Version version) {
        long start = System.nanoTime();
        String filename = dist.filename().filename();
        String key = layout.fileKey(STAGE, PROJECT, version, filename);
        String metadataSha = dist.servesMetadata()
                ? store.put(StorageLayout.legacyMetadataKey(key), dist.metadata().raw(), "text/plain; charset=utf-8").sha256()
                : null;
        FileDigest digest = store.put(key, dist.file(), "application/octet-stream");
        ReleaseFile file = new ReleaseFile(filename, key, digest.sha256(), digest.size(), dist.metadata().requiresPython(),
                Instant.now(), metadataSha, dist.filename().type());
        String docsPrefix = new DocsUploader(store, layout).upload(docs, STAGE, PROJECT, version, PublishLog.SILENT).prefix();
        versions.record(new Release(STAGE, PROJECT, dist.metadata().name(), version, List.of(file), docsPrefix, false, null,
                "bench", null, dist.metadata().summary(), Instant.now()), false);
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

    private double awsSync(Path awsCommand, Path tree, String destination) throws IOException, InterruptedException {
        return Tools.timeAwsS3(awsCommand, aws.s3Endpoint(), out.resolve("logs/awscli.log"), "sync", tree.toString(), destination);
    }
}
