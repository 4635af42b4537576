package io.pypub.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One moto server process ({@code python -m moto.server}) on a loopback port: a real HTTP server
 * speaking the S3 and DynamoDB APIs. State lives in its memory and ends with the process.
 */
public final class MotoServer implements AutoCloseable {
    private static final String LAUNCHER = "/io/pypub/embedded/serve_moto.py";

    private final Path python;
    private final Path logFile;
    private final int port;
    private final boolean serial;
    private Process process;
    /** Stops the server when the JVM exits without closing it (SIGTERM, Ctrl-C, System.exit). */
    private Thread shutdownHook;

    private MotoServer(Path python, Path logFile, int port, boolean serial) {
        this.python = python;
        this.logFile = logFile;
        this.port = port;
        this.serial = serial;
    }

    /**
     * Starts a server on a free loopback port and waits until it answers.
     *
     * @param serial one request at a time, so DynamoDB transactions are atomic as on AWS (see serve_moto.py)
     */
    public static MotoServer start(Path python, Path logFile, boolean serial) {
        MotoServer server = new MotoServer(python, logFile, freePort(), serial);
        server.startProcess();
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The server process's id (its memory can be read from /proc), or -1 while stopped. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server (as a crash would); {@link #restart()} brings up an empty one on the same port. */
    public synchronized void stop() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it stops the process too
            }
        }
        shutdownHook = null;
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public synchronized void restart() {
        stop();
        startProcess();
    }

    private synchronized void startProcess() {
        ProcessBuilder pb = new ProcessBuilder(List.of(python.toString(), launcher().toString(), "127.0.0.1",
                Integer.toString(port), serial ? "serial" : "threaded"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = pb.start();
            Process started = process;
            shutdownHook = new Thread(() -> {
                started.descendants().forEach(ProcessHandle::destroyForcibly);
                started.destroyForcibly();
            }, "stop embedded server on port " + port);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded S3/DynamoDB server (" + python + " -m moto.server): "
                    + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The embedded S3/DynamoDB server exited at start (exit " + process.exitValue()
                        + "); see " + logFile);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("The embedded S3/DynamoDB server did not start within 60 s; see " + logFile);
    }

    /** The launcher script, copied out of the jar once per JVM. */
    private static synchronized Path launcher() {
        try {
            Path script = Path.of(System.getProperty("java.io.tmpdir"), "pypub-serve-moto-" + ProcessHandle.current().pid() + ".py");
            if (!java.nio.file.Files.exists(script)) {
                try (var in = MotoServer.class.getResourceAsStream(LAUNCHER)) {
                    java.nio.file.Files.copy(in, script);
                }
                script.toFile().deleteOnExit();
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded server launcher: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
