package io.pypub.server.cli;

import io.pypub.core.config.Config;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.storage.AwsClients;
import io.pypub.server.access.AccessSettings;
import io.pypub.server.access.AuditLog;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Runs the package index over HTTP until stopped. Its options are core's {@code INDEX} settings
 * (host, port, caching, limits, TLS, ...), made from the catalogue by {@link CliSettings}; the
 * Lambda function reads the same settings from the same variables.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the package index over HTTP.")
final class ServeCommand implements Callable<Integer>, CliSettings.Uses {
    @Mixin
    AwsOptions aws;

    @Spec
    CommandSpec spec;

    @Override
    public List<Setting<?>> settings() {
        // The index's own settings, and Slack for uploads through the upload API (announced as a publish is).
        List<Setting<?>> all = new java.util.ArrayList<>(Settings.group(Setting.Group.INDEX));
        all.addAll(List.of(Settings.SLACK_CHANNEL, Settings.SLACK_WEBHOOK_URL, Settings.SLACK_TOKEN));
        return all;
    }

    @Override
    public Integer call() throws Exception {
        Config config = CliSettings.config(spec);
        // Every setting is checked before anything starts: a bad value is one error, nothing listening.
        IndexSettings settings = IndexSettings.from(config, null);
        AccessSettings access = AccessSettings.from(config, true);
        // A cache directory given explicitly must be usable; the default one that is not (a read-only home) only turns it off.
        if (config.get(Settings.DOWNLOAD_CACHE_DIR) != null && settings.downloadCacheMaxBytes() > 0) {
            String problem = io.pypub.server.index.BlobCache.prepare(settings.downloadCacheDir());
            if (problem != null) {
                throw new io.pypub.core.config.ConfigException(Settings.DOWNLOAD_CACHE_DIR.describe() + ": " + problem
                        + "; or set " + Settings.DOWNLOAD_CACHE_MAX_BYTES.describe() + " to 0 for no cache");
            }
        }
        String host = config.get(Settings.HOST);
        int port = config.get(Settings.PORT);
        int maxThreads = config.get(Settings.MAX_THREADS);
        boolean noAuth = !access.enabled();
        IndexServer.Tls tls = tls(config);
        io.pypub.core.upstream.UpstreamSettings upstreams = io.pypub.core.upstream.UpstreamSettings.from(config);
        Path auditLog = config.get(Settings.AUDIT_LOG);
        if (auditLog != null) {
            AuditLog.toFile(auditLog);
        } else {
            AuditLog.toStdout();
        }
        try (AwsClients clients = AwsOptions.clients(config).buildAhead(); // DynamoDB (the first answer's) alongside S3's two
                IndexService service = new IndexService(clients, settings, RequestGuard.forDeployment(clients, access), upstreams,
                        SlackOptions.notifier(config, false,
                                new io.pypub.core.storage.DynamoVersionTable(clients.dynamo(), clients.settings().versionTable())
                                        .releaseThreads()));
                IndexServer server = new IndexServer(service, host, port, tls, maxThreads).start()) {
            // On SIGTERM (docker stop, Ctrl-C): finish the requests in flight, then write out the download counts and
            // the buffered audit lines.
            Thread stopping = new Thread(() -> {
                server.close();
                service.close();
                AuditLog.close();
            }, "pypub-shutdown");
            Runtime.getRuntime().addShutdownHook(stopping);
            System.err.println("Serving the index at " + server.localUrl() + "/{stage}/simple/ (Ctrl-C to stop)");
            System.err.println(noAuth ? "WARNING: authentication is OFF (--no-auth): anyone who can reach this port reads every stage"
                    : "API keys required for packages, docs users for docs (pypub keys / pypub users)");
            System.err.println(service.downloadCache().map(c -> "Download cache: " + c.dir() + " (up to "
                    + io.pypub.core.config.UploadLimits.describe(c.maxBytes()) + ")").orElse("Download cache: off"));
            upstreams.describe().forEach(line -> System.err.println("Upstream of " + line));
            System.err.println("Memory: heap up to " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB"
                    + " (JVM options for a container: server/deploy/index-jvm.options)");
            server.join();
        } finally {
            AuditLog.close();
        }
        return 0;
    }

    /** The key store password is a secret: from the environment or a profile, never a command-line argument. */
    private static IndexServer.Tls tls(Config config) {
        Path keyStore = config.get(Settings.TLS_KEYSTORE);
        if (keyStore == null) {
            return null;
        }
        String password = config.get(Settings.TLS_KEYSTORE_PASSWORD);
        if (password == null) {
            throw new io.pypub.core.config.ConfigException(Settings.TLS_KEYSTORE.describe() + " is set, so the key store password is needed: set "
                    + Settings.TLS_KEYSTORE_PASSWORD.describe());
        }
        return new IndexServer.Tls(keyStore, password);
    }
}
