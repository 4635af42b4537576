import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds the class-data sharing archive next to pypub.jar at package time (server/pom.xml runs this file with
 * {@code java CdsArchive.java JAR ARCHIVE WORKDIR}; a single-file program, so it is not part of the jar).
 *
 * <p>A dynamic archive ({@code -XX:ArchiveClassesAtExit}) records one JVM run only, and one short command leaves out
 * much of what another loads ({@code serve}: Jetty and the request path; {@code publish}: the build's process
 * handling). So three commands run with {@code -XX:DumpLoadedClassList}, at the same time: {@code keys list}, a
 * {@code serve} that answers a request and is stopped, a {@code publish} that starts its build; then one static
 * archive is dumped from the union of their class lists. No network and no backend: their S3 and DynamoDB endpoint is
 * a loopback stub here that answers every request with an empty JSON object, which DynamoDB's client reads as "no
 * items" (a closed port instead costs the SDK's 9 attempts with back-off per call, ~5 s, on the error path only).
 * The archive is optional ({@code ./pypub} passes it with {@code -Xshare:auto}): whatever goes wrong here is a warning
 * and leaves no archive, never a failed build.
 */
public final class CdsArchive {
    /** Well-formed (so the server looks it up), never issued. */
    private static final String KEY = "pypub_aaaaaaaaaa_" + "a".repeat(52);
    private static final long TIMEOUT_SECONDS = 120;

    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final Path jar;
    private final Path work;
    private List<String> deployment;

    private CdsArchive(Path jar, Path work) {
        this.jar = jar;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path work = Path.of(args[2]).toAbsolutePath();
        Files.deleteIfExists(archive); // a failure below must not leave an archive of an older jar looking current
        try {
            new CdsArchive(jar, work).build(archive);
        } catch (Exception e) {
            Files.deleteIfExists(archive);
            System.out.println("[WARNING] No CDS archive (pypub still runs, only starts slower): " + e.getMessage()
                    + "; logs in " + work);
        }
    }

    private void build(Path archive) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(work);
        HttpServer aws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        aws.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, empty.length);
            exchange.getResponseBody().write(empty);
            exchange.close();
        });
        aws.start();
        try {
            String endpoint = "http://127.0.0.1:" + aws.getAddress().getPort();
            deployment = List.of("--region=us-east-1", "--bucket=pypub-cds-training", "--version-table=pypub-cds-training",
                    "--access-table=pypub-cds-training", "--dynamodb-endpoint=" + endpoint, "--s3-endpoint=" + endpoint);
            recordClassLists();
        } finally {
            aws.stop(0);
        }
        long recorded = System.nanoTime();
        int classes = dump(archive);
        System.out.printf("CDS archive %s: %d classes from keys list, serve and publish (%.1f s), dumped (%.1f s)%n", archive,
                classes, (recorded - start) / 1e9, (System.nanoTime() - recorded) / 1e9);
    }

    /** Runs the three commands at once, each writing WORK/NAME.classlist. */
    private void recordClassLists() throws Exception {
        Path project = work.resolve("project");
        Files.createDirectories(project);
        Files.writeString(project.resolve("pyproject.toml"), "[project]\nname = \"cds-training\"\nversion = \"1.0.0\"\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Process> running = new ArrayList<>();
        try {
            running.add(start("keys", List.of("keys", "list")));
            // Any program that exits non-zero at once stands in for python: the JDK's java is the one sure to be here.
            running.add(start("publish", List.of("publish", project.toString(), "--stage=dev", "--python=" + java, "--no-docs",
                    "--no-slack")));
            Process serve = start("serve", List.of("serve", "--host=127.0.0.1", "--port=" + port,
                    "--download-cache-dir=" + work.resolve("download-cache")));
            running.add(serve);
            askUntilAnswered(serve, port);
            serve.destroy(); // SIGTERM: the JVM exits normally, its class list complete
            for (Process p : running) {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("a training command did not end within " + TIMEOUT_SECONDS + " s");
                }
            }
        } finally {
            running.forEach(Process::destroyForcibly); // only those still running: after a failure
        }
    }

    /** One static archive of the union of the class lists (JDK classes included: it replaces the JDK's default archive). */
    private int dump(Path archive) throws Exception {
        Set<String> classes = new LinkedHashSet<>();
        for (String name : List.of("keys", "serve", "publish")) {
            for (String line : Files.readAllLines(work.resolve(name + ".classlist"))) {
                // Newer JDKs number the classes of each list ("id: N"): numbers of one run clash with another's, and
                // only classes of custom class loaders ("source:", none in pypub) need them.
                if (!line.isBlank() && !line.startsWith("#") && !line.contains(" source: ")) {
                    classes.add(line.replaceFirst(" id: \\d+$", ""));
                }
            }
        }
        Path list = work.resolve("pypub.classlist");
        Files.write(list, classes);
        Path dumped = work.resolve("pypub.jsa");
        Files.deleteIfExists(dumped);
        // The same class path string as at run time (-jar JAR): JDK 17 refuses an archive dumped with another.
        run("dump", List.of(java.toString(), "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + dumped,
                "-cp", jar.toString()));
        // The archive must map: -Xshare:on fails where -Xshare:auto would silently run without it.
        run("check", List.of(java.toString(), "-Xshare:on", "-XX:SharedArchiveFile=" + dumped, "-jar", jar.toString(), "--version"));
        Files.move(dumped, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return (int) classes.stream().filter(l -> !l.startsWith("@")).count();
    }

    /** Starts {@code pypub ARGS} on the stub deployment, recording the classes it loads in WORK/NAME.classlist. */
    private Process start(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:DumpLoadedClassList=" + work.resolve(name + ".classlist"),
                "-jar", jar.toString()));
        command.addAll(args);
        command.addAll(deployment);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        // Nothing of the caller's pypub or AWS settings (a profile, a real account), and none of the user's files.
        env.keySet().removeIf(k -> k.startsWith("PYPUB_") || k.startsWith("AWS_"));
        env.put("PYPUB_CONFIG", work.resolve("no-config.toml").toString());
        env.put("AWS_ACCESS_KEY_ID", "cds-training");
        env.put("AWS_SECRET_ACCESS_KEY", "cds-training");
        env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return pb.start();
    }

    /** Asks the server for a simple page with a key until it answers (401: the stub knows no key). */
    private static void askUntilAnswered(Process serve, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!serve.isAlive()) {
                throw new IOException("serve exited before answering (exit " + serve.exitValue() + ")");
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/dev/simple/cds-training/").toURL()
                        .openConnection();
                c.setRequestProperty("Authorization", "Bearer " + KEY);
                c.setReadTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
                c.getResponseCode();
                c.disconnect();
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("serve did not answer within " + TIMEOUT_SECONDS + " s");
    }

    private void run(String name, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(name + " did not end within " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(name + " failed (exit " + p.exitValue() + ")");
        }
    }
}
