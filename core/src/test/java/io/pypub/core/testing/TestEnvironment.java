package io.pypub.core.testing;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.util.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the whole test run shares: the Python environment the build creates (pinned tools,
 * under target/pyenv of the repository) and one S3 and one DynamoDB API server on loopback,
 * started on first use and stopped when the test JVM exits. Each test gets its own bucket
 * and tables through {@link #newDeployment()}, so tests never see each other's data.
 */
public final class TestEnvironment {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static TestEnvironment instance;
    private static final java.util.List<Path> TEMP_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMP_DIRS.forEach(FileTrees::deleteQuietly), "delete test temp dirs"));
    }
    private static PythonEnvironment pythonOnly;

    private final Path repoRoot;
    private final PythonEnvironment python;
    private final EmbeddedBackends aws;

    private TestEnvironment(Path repoRoot, PythonEnvironment python, EmbeddedBackends aws) {
        this.repoRoot = repoRoot;
        this.python = python;
        this.aws = aws;
    }

    public static synchronized TestEnvironment get() {
        if (instance == null) {
            Path root = repoRoot();
            PythonEnvironment py = pythonEnvironment();
            EmbeddedBackends aws = EmbeddedBackends.start(py, root.resolve("target/test-logs"));
            instance = new TestEnvironment(root, py, aws);
            Runtime.getRuntime().addShutdownHook(new Thread(aws::close, "stop embedded AWS"));
        }
        return instance;
    }

    /**
     * Just the shared Python environment, without starting the AWS servers: for tests that only
     * ask Python something (e.g. {@code packaging} as a reference implementation).
     */
    public static synchronized PythonEnvironment pythonEnvironment() {
        if (pythonOnly == null) {
            pythonOnly = PythonEnvironment.ensure(repoRoot().resolve("target/pyenv"), requirements(),
                    line -> System.out.println("[test-env] " + line));
        }
        return pythonOnly;
    }

    /** The tools pypub pins, plus what only the tests drive. */
    private static String requirements() {
        try (var in = TestEnvironment.class.getResourceAsStream("/test-requirements.txt")) {
            return PythonEnvironment.toolsRequirements() + "\n" + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path repoRoot() {
        String fromMaven = System.getProperty("pypub.repoRoot");
        Path p = fromMaven != null && !fromMaven.isBlank() ? Path.of(fromMaven) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("Cannot find the repository root (a folder with examples/)");
        }
        return p.toAbsolutePath();
    }

    /** A temporary folder that is deleted when the test JVM exits. */
    public static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        TEMP_DIRS.add(dir);
        return dir;
    }

    public PythonEnvironment python() {
        return python;
    }

    public EmbeddedBackends aws() {
        return aws;
    }

    public Path example(String name) {
        return repoRoot.resolve("examples").resolve(name);
    }

    /** Copies an example project to a fresh folder, so builds do not write into the checkout. */
    public Path copyOfExample(String name) {
        try {
            return FileTrees.copyFresh(example(name), tempDir("pypub-example-").resolve(name), rel -> false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /** A new, empty virtual environment, as a customer's machine would have: for real pip installs. */
    public io.pypub.core.python.PythonEnvironment freshClientVenv() {
        try {
            Path dir = tempDir("pypub-client-").resolve("venv");
            run(java.util.List.of(PythonEnvironment.baseInterpreter(), "-m", "venv", dir.toString()));
            return PythonEnvironment.at(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command, failing the test with its output if it fails; returns everything it printed. */
    public static String run(java.util.List<String> command) {
        StringBuilder out = new StringBuilder();
        var result = new io.pypub.core.python.LocalCommandRunner().run(command, Path.of("").toAbsolutePath(), java.util.Map.of(),
                java.time.Duration.ofMinutes(5), line -> out.append(line).append('\n'));
        if (!result.ok()) {
            throw new AssertionError("'" + String.join(" ", command) + "' failed (exit " + result.exitCode() + "):\n" + out);
        }
        return out.toString();
    }

    /** A fresh, empty deployment (own bucket and tables) on the shared servers. */
    public Deployment newDeployment() {
        int n = COUNTER.incrementAndGet();
        String id = "t" + ProcessHandle.current().pid() + "-" + n;
        AwsSettings settings = aws.settings("pypub-" + id, "", "versions-" + id, "access-" + id);
        AwsClients clients = aws.clients(settings);
        // Buckets as `pypub init` makes them; tables exactly as the CloudFormation template defines them.
        StorageProvisioner provisioner = new StorageProvisioner(clients);
        provisioner.ensureBucket(settings.bucket());
        if (!settings.effectiveDocsBucket().equals(settings.bucket())) {
            provisioner.ensureBucket(settings.effectiveDocsBucket());
        }
        TemplateTables.create(clients.dynamo(), TemplateTables.VERSION_TABLE, settings.versionTable());
        TemplateTables.create(clients.dynamo(), TemplateTables.ACCESS_TABLE, settings.accessTable());
        return new Deployment(settings, clients);
    }
}
