package io.pypub.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One embedded API server: a child process on a loopback port, with its output appended to a log file,
 * stopped with the JVM. Subclasses say which command runs it.
 */
public abstract class LoopbackServer implements AutoCloseable {
    private final String name;
    private final Path logFile;
    private final int port;
    private Process process;
    /** Stops the server when the JVM exits without closing it (SIGTERM, Ctrl-C, System.exit). */
    private Thread shutdownHook;

    LoopbackServer(String name, Path logFile, int port) {
        this.name = name;
        this.logFile = logFile;
        this.port = port;
    }

    /**
     * The command that serves on 127.0.0.1:{@link #port()}. It must end when its standard input ends: the JVM
     * holds that open, so the server goes with it even after kill -9.
     */
    abstract List<String> command();

    /** Called before every start, and again by {@link #restart()}: a restarted server starts empty. */
    void prepare() {}

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The process id (for measuring it), or -1 when stopped. */
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
            // Every process of the server is waited for: one still dying may hold the port that the restart will bind.
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
            try {
                for (ProcessHandle p : all) {
                    p.onExit().get(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // gone or stuck: the start's readiness check reports a server that does not come back
            }
            process = null;
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    /** Starts the process and waits until the port accepts connections. */
    synchronized void start() {
        prepare();
        List<String> command = command();
        ProcessBuilder pb = new ProcessBuilder(command)
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
            throw new UncheckedIOException("Cannot start the " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The " + name + " exited at start (exit " + process.exitValue() + "); see " + logFile);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("The " + name + " did not start within 60 s; see " + logFile);
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
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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
