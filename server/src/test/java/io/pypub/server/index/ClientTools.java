package io.pypub.server.index;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the package clients (pip, uv, poetry) as a customer would, but hermetically: without this
 * machine's PIP_, UV_ and POETRY_ settings, so nothing but the index under test can satisfy an install.
 */
final class ClientTools {
    private ClientTools() {}

    /** uv and poetry come from the test venv (test-requirements.txt), never from production pins. */
    static Path tool(String name) {
        return TestEnvironment.pythonEnvironment().bin(name);
    }

    /**
     * A fresh, empty venv, as a customer's machine would have. Without pip of its own (ensurepip
     * takes 10 s here): {@link #pip} drives it with the test venv's pinned pip.
     */
    static PythonEnvironment freshVenv() {
        Path dir = tempDir("pypub-client-").resolve("venv");
        run(Path.of("").toAbsolutePath(), Map.of(),
                List.of(PythonEnvironment.baseInterpreter(), "-m", "venv", "--without-pip", dir.toString()));
        return PythonEnvironment.at(dir);
    }

    static Path tempDir(String prefix) {
        try {
            return TestEnvironment.tempDir(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test venv's pip installing into {@code venv} ({@code pip --python}), isolated from pip.conf and PIP_*. */
    static String pip(PythonEnvironment venv, String... args) {
        List<String> command = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().python().toString(), "-m", "pip",
                "--python", venv.python().toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--isolated", "--disable-pip-version-check", "--no-cache-dir", "--no-input"));
        return run(Path.of("").toAbsolutePath(), Map.of(), command);
    }

    /** Runs {@code code} with the venv's interpreter; returns what it printed, stripped. */
    static String python(Path interpreter, String code) {
        return run(Path.of("").toAbsolutePath(), Map.of(), List.of(interpreter.toString(), "-c", code)).strip();
    }

    /** Runs a command with the clients' settings removed from the environment; fails with its output. */
    static String run(Path workDir, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIP_") || k.startsWith("UV_") || k.startsWith("POETRY_")
                || k.equals("VIRTUAL_ENV") || k.equals("PYTHONPATH"));
        pb.environment().putAll(env);
        try {
            // Output to a file, so a hung client still hits the timeout below.
            Path log = Files.createTempFile("client-", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            p.getOutputStream().close(); // no prompts: EOF on stdin
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("'" + String.join(" ", command) + "' timed out:\n" + Files.readString(log));
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (p.exitValue() != 0) {
                throw new AssertionError("'" + String.join(" ", command) + "' failed (exit " + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
