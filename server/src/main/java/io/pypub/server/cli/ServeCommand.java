package io.pypub.server.cli;

import io.pypub.core.storage.AwsClients;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the package index over HTTP until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the package index over HTTP.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Option(names = "--host", defaultValue = "${env:PYPUB_HOST:-127.0.0.1}",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
    String host;

    @Option(names = "--port", defaultValue = "${env:PYPUB_PORT:-8080}", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--download-mode", defaultValue = "${env:PYPUB_DOWNLOAD_MODE:-STREAM}",
            description = "STREAM files through the server or REDIRECT to presigned S3 URLs (default ${DEFAULT-VALUE}).")
    IndexSettings.DownloadMode downloadMode;

    @Option(names = "--cache-seconds", defaultValue = "1", description = "Seconds table reads are cached (default ${DEFAULT-VALUE}).")
    double cacheSeconds;

    @Override
    public Integer call() throws Exception {
        IndexSettings settings = new IndexSettings(downloadMode, Duration.ofMinutes(5), Duration.ofMillis((long) (cacheSeconds * 1000)));
        try (AwsClients clients = aws.clients();
                IndexServer server = new IndexServer(new IndexService(clients, settings), host, port).start()) {
            System.err.println("Serving the index at " + server.localUrl() + "/{stage}/simple/ (Ctrl-C to stop)");
            server.join();
        }
        return 0;
    }
}
