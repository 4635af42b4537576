package io.pypub.bench;

import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.version.Version;
import io.pypub.embedded.EmbeddedAws;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Issue 15: a 1 MB and a 50 MB wheel uploaded through {@code pypub serve}'s upload API ({@code POST /dev/legacy/}, a
 * multipart POST by curl, as twine sends it) against {@code aws s3 cp} of the same file to the same local S3 server,
 * in the same run, alternating which goes first; and the index's peak resident memory during the 50 MB uploads. The
 * index runs as its own JVM with the container options ({@code -XX:MaxRAM=128m} + server/deploy/index-jvm.options).
 */
final class LegacyUploadBenchmark {
    private static final Stage STAGE = Stage.of("dev");
    private static final long CONTAINER_KB = 128 * 1024;

    private final Path root;
    private final Path out;
    private final EmbeddedDeployments aws;

    LegacyUploadBenchmark(Path root, Path out, EmbeddedDeployments aws) {
        this.root = root;
        this.out = out;
        this.aws = aws;
    }

    private record Size(String label, String project, int bytes) {}

    Report run() throws Exception {
        int reps = Bench.intSetting("reps", 5);
        Path curl = Tools.require("curl", "curl");
        Path jar = IndexProcess.jar(root);
        Path awsCli = PythonEnvironment.ensure(root.resolve("target/bench-tools/awscli"), UploadBenchmark.AWSCLI + "\n",
                line -> System.out.println("[bench] " + line)).bin("aws");
        Path work = out.resolve("legacy-upload-files");
        Tools.deleteTree(work);
        Files.createDirectories(work);
        String id = Long.toString(System.currentTimeMillis());
        AwsSettings settings = aws.settings("bench-legacy-" + id, "", "bench-legacy-versions-" + id, "bench-legacy-access-" + id);
        List<Size> sizes = List.of(new Size("1 MB wheel", "bench-small", 1_000_000), new Size("50 MB wheel", "bench-large", 50_000_000));
        Map<String, List<Double>> ours = new LinkedHashMap<>();
        Map<String, List<Double>> cli = new LinkedHashMap<>();
        sizes.forEach(s -> {
            ours.put(s.label(), new ArrayList<>());
            cli.put(s.label(), new ArrayList<>());
        });
        long idleKb;
        long peakKb = 0;
        long peakAnonKb = 0;
        Process server = null;
        Path netrc = work.resolve("netrc");
        try (AwsClients clients = aws.clients(settings)) {
            new StorageProvisioner(clients).ensureAll();
            String key = new ApiKeys(new ApiKeyTable(clients.dynamo(), settings.accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("bench-ci", Set.of(STAGE.name()), Set.of(), 1000, 1000, null, null, null,
                            Set.of(KeyPolicy.PUBLISH)), "bench").token().reveal();
            // The key reaches curl through a netrc file only this user reads: never on a command line or in a log.
            Files.writeString(netrc, "");
            Files.setPosixFilePermissions(netrc, PosixFilePermissions.fromString("rw-------"));
            int port = Tools.freePort();
            Files.writeString(netrc, "machine 127.0.0.1 login __token__ password " + key + "\n");
            server = startServer(jar, settings, port);
            String url = "http://127.0.0.1:" + port + "/" + STAGE + "/legacy/";
            DynamoVersionTable versions = new DynamoVersionTable(clients.dynamo(), settings.versionTable());
            idleKb = ProcessMemory.status(server.pid(), "VmRSS");
            for (int rep = 0; rep <= reps; rep++) { // repetition 0 warms both up and is not counted
                for (Size size : sizes) {
                    String version = "1.0." + rep;
                    Path wheel = wheel(work.resolve(size.project() + "-" + rep), size.project(), version, size.bytes(), rep);
                    String destination = "s3://" + settings.bucket() + "/awscli-" + rep + "/" + wheel.getFileName();
                    boolean large = size.bytes() > 10_000_000;
                    double a;
                    double b;
                    try (ProcessMemory memory = large ? new ProcessMemory(server.pid()) : null) {
                        if (rep % 2 == 0) {
                            a = upload(curl, netrc, url, size.project(), version, wheel);
                            b = awsCp(awsCli, wheel, destination);
                        } else {
                            b = awsCp(awsCli, wheel, destination);
                            a = upload(curl, netrc, url, size.project(), version, wheel);
                        }
                        if (memory != null) {
                            peakKb = Math.max(peakKb, memory.peakKb());
                            peakAnonKb = Math.max(peakAnonKb, memory.peakAnonKb());
                        }
                    }
                    if (versions.release(STAGE, size.project(), Version.parse(version)).isEmpty()) {
                        throw new IllegalStateException("The index did not record " + wheel.getFileName());
                    }
                    System.out.printf("[bench] legacy upload repetition %d, %s: pypub %.3f s, aws s3 cp %.3f s%s%n", rep, size.label(),
                            a, b, rep == 0 ? " (warm-up)" : "");
                    if (rep > 0) {
                        ours.get(size.label()).add(a);
                        cli.get(size.label()).add(b);
                    }
                    Tools.deleteTree(wheel.getParent());
                }
            }
            if (!server.isAlive()) {
                throw new IllegalStateException("The index server died; see " + out.resolve("logs/legacy-upload-server.log"));
            }
        } finally {
            Files.deleteIfExists(netrc);
            if (server != null) {
                Tools.stop(server);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (Size s : sizes) {
            double o = Report.median(ours.get(s.label()));
            double c = Report.median(cli.get(s.label()));
            rows.add(List.of(s.label(), Report.fmt(o, 3), Report.fmt(c, 3), Report.ratio(o, c)));
        }
        return new Report("Upload API benchmark: twine-style upload through the index vs. aws s3 cp")
                .line("Files: one wheel of about 1 MB and one of about 50 MB (random, incompressible content), a new version "
                        + "each repetition, to the same local S3 API server ("
                        + EmbeddedAws.s3ServerName() + ").")
                .line("")
                .line("- **pypub**: `curl -F` multipart POST to `pypub serve`'s `/dev/legacy/` with a publish key, the form twine "
                        + "sends (sha256_digest, name, version, filetype, all before the file); the index writes the body to a "
                        + "temporary file, hashing it once, and (the digest being known before the file) sends a file of 8 MiB or "
                        + "more to S3 by multipart upload as it arrives (at most 2 parts in flight), a smaller one by PutObject "
                        + "after receipt; it checks digest and metadata, completes the multipart upload, uploads the PEP 658 "
                        + "metadata (verified by HEAD) and records the release in DynamoDB. Timed: curl's whole run, until the "
                        + "index answered 200.")
                .line("- **aws-cli**: `aws s3 cp` (" + UploadBenchmark.AWSCLI + ", a new process each time as in the old pipeline; "
                        + "its Python start-up is part of its time) of the same file.")
                .line("- Index: `java -XX:MaxRAM=" + CONTAINER_KB + "k " + IndexBenchmark.DEPLOY_OPTIONS + " -jar server/target/pypub.jar "
                        + "serve`, authentication on. " + reps + " repetitions after one warm-up, alternating which goes first; medians.")
                .table(List.of("file", "pypub upload API (s)", "aws s3 cp (s)", "ratio pypub/aws-cli"), rows)
                .line("Index resident memory: " + (idleKb / 1024) + " MiB idle before the uploads; peak during the 50 MB uploads "
                        + (peakKb / 1024) + " MiB (VmRSS), of which " + (peakAnonKb / 1024) + " MiB anonymous (heap, metaspace, "
                        + "code, stacks).");
    }

    /** What twine does for one file: one multipart POST with the digest; curl's time until the index answered. */
    private double upload(Path curl, Path netrc, String url, String project, String version, Path wheel)
            throws IOException, InterruptedException {
        String sha256 = FileDigest.of(wheel).sha256();
        List<String> command = List.of(curl.toString(), "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--netrc-file", netrc.toString(),
                "-H", "Expect:", "-F", ":action=file_upload", "-F", "protocol_version=1", "-F", "name=" + project,
                "-F", "version=" + version, "-F", "filetype=bdist_wheel", "-F", "pyversion=py3", "-F", "metadata_version=2.1",
                "-F", "sha256_digest=" + sha256, "-F", "content=@" + wheel + ";type=application/octet-stream", url);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !status.equals("200")) {
            p.destroyForcibly();
            throw new IllegalStateException("The upload of " + wheel.getFileName() + " failed (" + status + "); see "
                    + out.resolve("logs/legacy-upload-server.log"));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private double awsCp(Path awsCommand, Path file, String destination) throws IOException, InterruptedException {
        return Tools.timeAwsS3(awsCommand, aws.s3Endpoint(), out.resolve("logs/awscli.log"), "cp", file.toString(), destination);
    }

    private Process startServer(Path jar, AwsSettings s, int port) throws IOException {
        return IndexProcess.start(List.of("-XX:MaxRAM=" + CONTAINER_KB + "k", "@" + root.resolve(IndexBenchmark.DEPLOY_OPTIONS.substring(1))),
                jar, s, port, out.resolve("logs/legacy-upload-audit.log"), List.of(), Optional.empty(), out.resolve("logs/legacy-upload-server.log"));
    }

    /** A valid pure-Python wheel {@code NAME-VERSION-py3-none-any.whl} of about {@code payload} bytes (a random data file). */
    static Path wheel(Path dir, String name, String version, int payload, long seed) throws IOException {
        Files.createDirectories(dir);
        String dist = name.replace('-', '_');
        String info = dist + "-" + version + ".dist-info/";
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(dist + "/__init__.py", ("VERSION = \"" + version + "\"\n").getBytes(StandardCharsets.UTF_8));
        entries.put(dist + "/data.bin", Fixtures.randomBytes(payload, seed));
        entries.put(info + "METADATA", ("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version
                + "\nSummary: benchmark wheel\n\n").getBytes(StandardCharsets.UTF_8));
        entries.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: pypub-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        for (var e : entries.entrySet()) {
            record.append(e.getKey()).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(java.util.HexFormat.of().parseHex(FileDigest.sha256Hex(e.getValue())))).append(',').append(e.getValue().length).append('\n');
        }
        record.append(info).append("RECORD,,\n");
        entries.put(info + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        Path wheel = dir.resolve(dist + "-" + version + "-py3-none-any.whl");
        try (OutputStream o = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(o)) {
            zip.setLevel(Deflater.NO_COMPRESSION); // random bytes do not compress; spare the CPU
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return wheel;
    }
}
