package io.pypub.core.python;

import io.pypub.core.storage.FileDigest;
import io.pypub.core.util.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A virtual environment that pypub creates itself with pinned tools (build, pdoc, pip, moto for
 * the embedded servers). It is rebuilt when the pinned requirements change, and a file lock
 * keeps two processes from building it at once.
 */
public final class PythonEnvironment {
    /** The pinned tools every pypub-managed environment gets. */
    public static final String TOOLS_REQUIREMENTS = "/io/pypub/core/python/requirements.txt";

    private final Path dir;

    private PythonEnvironment(Path dir) {
        this.dir = dir;
    }

    /** The interpreter used to create environments: $PYPUB_PYTHON, else python3 on the PATH. */
    public static String baseInterpreter() {
        String fromEnv = System.getenv("PYPUB_PYTHON");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : "python3";
    }

    public static String toolsRequirements() {
        try (InputStream in = PythonEnvironment.class.getResourceAsStream(TOOLS_REQUIREMENTS)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates (or reuses) an environment in {@code dir} with the given requirements text. */
    public static PythonEnvironment ensure(Path dir, String requirements, Consumer<String> progress) {
        String stamp = FileDigest.sha256Hex((baseInterpreter() + "\n" + requirements).getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(dir.getParent());
            Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                Path stampFile = dir.resolve(".pypub-requirements.sha256");
                PythonEnvironment env = new PythonEnvironment(dir);
                if (Files.isRegularFile(stampFile) && Files.readString(stampFile).strip().equals(stamp)
                        && Files.isExecutable(env.python())) {
                    return env;
                }
                progress.accept("Creating Python environment in " + dir + " (one-time, about a minute)...");
                FileTrees.delete(dir);
                run(List.of(baseInterpreter(), "-m", "venv", dir.toString()), dir.getParent(), progress);
                Path req = dir.resolve("requirements.txt");
                Files.writeString(req, requirements);
                run(List.of(env.python().toString(), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", req.toString()),
                        dir, progress);
                Files.writeString(stampFile, stamp);
                progress.accept("Python environment ready.");
                return env;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Python environment in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Wraps an existing environment (or any prefix with bin/python). */
    public static PythonEnvironment at(Path dir) {
        return new PythonEnvironment(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path python() {
        return bin("python");
    }

    public Path bin(String tool) {
        return dir.resolve("bin").resolve(tool);
    }

    private static void run(List<String> command, Path workDir, Consumer<String> progress) {
        List<String> lines = new ArrayList<>();
        var result = new LocalCommandRunner().run(command, workDir, Map.of(), Duration.ofMinutes(15), lines::add);
        if (!result.ok()) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed (exit " + result.exitCode() + "):\n"
                    + result.tailText() + "\nCheck that " + baseInterpreter()
                    + " is Python 3.9+ with the venv module (Debian: apt-get install python3-venv), or set PYPUB_PYTHON.");
        }
    }

}
