package io.pypub.bench;

import io.pypub.core.python.PythonEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 18's third baseline: pypiserver behind gunicorn with gthread workers (its documented production
 * setup), pinned with its dependencies, from PyPI into a venv of the bench's own
 * ({@code target/bench-tools/pypiserver}). It serves a folder of files, unauthenticated like nginx:
 * {@code /simple/NAME/} and {@code /packages/FILENAME}. With watchdog (its {@code [cache]} extra) it
 * caches listings and file hashes; without, it hashes every file, the 17 MB one too, on every simple page.
 */
final class Pypiserver implements AutoCloseable {
    static final String REQUIREMENTS = """
            pypiserver==2.4.2
            gunicorn==23.0.0
            packaging==26.4
            defusedxml==0.7.1
            importlib_resources==7.1.0
            watchdog==6.0.0
            """;
    /** One worker per core, 8 threads each: gunicorn's advice for gthread on this 2-core machine. */
    private static final int THREADS = 8;

    private final Process process;
    private final int port;

    private Pypiserver(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static PythonEnvironment environment(Path root) {
        return PythonEnvironment.ensure(root.resolve("target/bench-tools/pypiserver"), REQUIREMENTS,
                line -> System.out.println("[bench] " + line));
    }

    static Pypiserver start(PythonEnvironment env, Path packages, Path log) throws IOException {
        int port = Tools.freePort();
        Process p = launch(env, packages, port, log);
        Tools.awaitPort(p, port, "pypiserver", log);
        return new Pypiserver(p, port);
    }

    /** Starts gunicorn without waiting for it (the start benchmark times it to its first answer). */
    static Process launch(PythonEnvironment env, Path packages, int port, Path log) throws IOException {
        int workers = Runtime.getRuntime().availableProcessors();
        String app = "pypiserver:app(roots=[" + pythonString(packages.toString()) + "], authenticate=[], password_file='.')";
        return new ProcessBuilder(List.of(env.bin("gunicorn").toString(), "-k", "gthread", "-w", Integer.toString(workers),
                "--threads", Integer.toString(THREADS), "-b", "127.0.0.1:" + port, "--log-level", "warning", app))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Process process() {
        return process;
    }

    @Override
    public void close() {
        Tools.stop(process);
    }
}
