package io.pypub.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One moto server process ({@code python -m moto.server}) on a loopback port: a real HTTP server
 * speaking the S3 and DynamoDB APIs. State lives in its memory and ends with the process.
 */
public final class MotoServer extends LoopbackServer {
    private static final String LAUNCHER = "/io/pypub/embedded/serve_moto.py";

    private final Path python;
    private final boolean serial;

    private MotoServer(Path python, Path logFile, int port, boolean serial) {
        super("embedded moto server", logFile, port);
        this.python = python;
        this.serial = serial;
    }

    /**
     * Starts a server on a free loopback port and waits until it answers.
     *
     * @param serial one request at a time, so DynamoDB transactions are atomic as on AWS (see serve_moto.py)
     */
    public static MotoServer start(Path python, Path logFile, boolean serial) {
        MotoServer server = new MotoServer(python, logFile, freePort(), serial);
        server.start();
        return server;
    }

    @Override
    List<String> command() {
        return List.of(python.toString(), launcher().toString(), "127.0.0.1", Integer.toString(port()), serial ? "serial" : "threaded");
    }

    /** The launcher script, copied out of the jar once per JVM. */
    private static synchronized Path launcher() {
        try {
            Path script = Path.of(System.getProperty("java.io.tmpdir"), "pypub-serve-moto-" + ProcessHandle.current().pid() + ".py");
            if (!Files.exists(script)) {
                try (var in = MotoServer.class.getResourceAsStream(LAUNCHER)) {
                    Files.copy(in, script);
                }
                script.toFile().deleteOnExit();
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded server launcher: " + e.getMessage(), e);
        }
    }
}
