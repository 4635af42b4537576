package io.pypub.server.cli;

import io.pypub.core.storage.AwsClients;
import io.pypub.server.access.AccessSettings;
import io.pypub.server.access.AuditLog;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the package index over HTTP until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the package index over HTTP.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    UpstreamOptions upstream;

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

    @Option(names = "--public-url", defaultValue = "${env:PYPUB_PUBLIC_URL}",
            description = "The index's public base URL, e.g. https://pypi.example.com (env PYPUB_PUBLIC_URL): pages show "
                    + "install commands with it. Without it they show INDEX-HOST (never the request's Host header).")
    String publicUrl;

    @Option(names = "--no-auth", defaultValue = "${env:PYPUB_NO_AUTH:-false}",
            description = "Serve without API keys or docs logins (local use only; env PYPUB_NO_AUTH=true).")
    boolean noAuth;

    @Option(names = "--trusted-proxy", split = ",", defaultValue = "${env:PYPUB_TRUSTED_PROXIES}",
            description = "Proxy addresses or CIDR ranges whose X-Forwarded-For is believed (env PYPUB_TRUSTED_PROXIES).")
    List<String> trustedProxies;

    @Option(names = "--audit-log", defaultValue = "${env:PYPUB_AUDIT_LOG}",
            description = "Append the audit log (JSON lines) to this file instead of stdout (env PYPUB_AUDIT_LOG).")
    Path auditLog;

    @Option(names = "--key-cache-seconds", defaultValue = "2",
            description = "Seconds key and user records are cached: how long a revocation takes to bite (default ${DEFAULT-VALUE}).")
    double keyCacheSeconds;

    @Option(names = "--usage-flush-seconds", defaultValue = "1",
            description = "Seconds downloads of keys without a quota are added up before they are written to the access "
                    + "table (default ${DEFAULT-VALUE}; 0: each at once). Downloads of keys with a quota are always counted at once.")
    double usageFlushSeconds;

    @Option(names = "--failed-login-limit", defaultValue = "20",
            description = "Costly failed logins (unknown key ids, bad docs passwords) per client address and minute before that "
                    + "address may no longer cause key lookups or password checks (429); its valid keys still pass "
                    + "(default ${DEFAULT-VALUE}).")
    int failedLoginLimit;

    @Option(names = "--key-failure-limit", defaultValue = "20",
            description = "Failed attempts with one key id per minute before further failed attempts with it get 429; "
                    + "its right secret still passes (default ${DEFAULT-VALUE}).")
    int keyFailureLimit;

    @Option(names = "--password-checks", defaultValue = "1",
            description = "Docs password checks (bcrypt, ~0.2 s of a core each) run at once; a login that waits more than "
                    + "a quarter second for one gets 503 + Retry-After (default ${DEFAULT-VALUE}).")
    int passwordChecks;

    @Option(names = "--max-threads", defaultValue = "${env:PYPUB_MAX_THREADS:-32}",
            description = "Most requests served at once (Jetty threads, default ${DEFAULT-VALUE}); more wait their turn. "
                    + "Each thread costs native memory: keep the default in a 128 MiB container.")
    int maxThreads;

    @Option(names = "--tls-keystore", defaultValue = "${env:PYPUB_TLS_KEYSTORE}",
            description = "Serve HTTPS with this PKCS#12 key store (certificate + private key); its password comes from "
                    + "env PYPUB_TLS_KEYSTORE_PASSWORD. Without it: plain HTTP, for use behind a TLS proxy.")
    Path tlsKeyStore;

    @Override
    public Integer call() throws Exception {
        if (failedLoginLimit < 1 || keyFailureLimit < 1 || passwordChecks < 1) {
            throw new IllegalArgumentException("--failed-login-limit, --key-failure-limit and --password-checks must be 1 or more");
        }
        if (usageFlushSeconds < 0) {
            throw new IllegalArgumentException("--usage-flush-seconds must be 0 or more");
        }
        IndexSettings settings = new IndexSettings(downloadMode, Duration.ofMinutes(5), Duration.ofMillis((long) (cacheSeconds * 1000)),
                publicUrl == null || publicUrl.isBlank() ? null : publicUrl);
        if (auditLog != null) {
            AuditLog.toFile(auditLog);
        } else {
            AuditLog.toStdout();
        }
        AccessSettings access = (noAuth ? AccessSettings.disabled() : AccessSettings.enforcing())
                .withTrustedProxies(trustedProxies == null ? List.of() : trustedProxies)
                .withCacheTtl(Duration.ofMillis((long) (keyCacheSeconds * 1000)))
                .withUsageFlushInterval(Duration.ofMillis((long) (usageFlushSeconds * 1000)))
                .withFailedAuthLimit(failedLoginLimit, Duration.ofMinutes(1))
                .withKeyFailureLimit(keyFailureLimit)
                .withPasswordChecks(passwordChecks, Duration.ofMillis(250));
        io.pypub.core.upstream.UpstreamSettings upstreams = upstream.settings();
        try (AwsClients clients = aws.clients();
                IndexService service = new IndexService(clients, settings, RequestGuard.forDeployment(clients, access), upstreams);
                IndexServer server = new IndexServer(service, host, port, tls(), maxThreads).start()) {
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
            upstreams.describe().forEach(line -> System.err.println("Upstream of " + line));
            System.err.println("Memory: heap up to " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB"
                    + " (JVM options for a container: server/deploy/index-jvm.options)");
            server.join();
        } finally {
            AuditLog.close();
        }
        return 0;
    }

    /** The key store password is a secret: from the environment only, never a command-line argument. */
    private IndexServer.Tls tls() {
        if (tlsKeyStore == null) {
            return null;
        }
        String password = System.getenv("PYPUB_TLS_KEYSTORE_PASSWORD");
        if (password == null) {
            throw new IllegalArgumentException("--tls-keystore needs the key store password in env PYPUB_TLS_KEYSTORE_PASSWORD");
        }
        return new IndexServer.Tls(tlsKeyStore, password);
    }
}
