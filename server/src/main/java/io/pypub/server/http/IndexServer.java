package io.pypub.server.http;

import io.pypub.server.index.IndexService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The index over HTTP (or HTTPS, given a key store) with Jetty: small thread pool, no server version header. */
public final class IndexServer implements AutoCloseable {
    public static final int DEFAULT_MAX_THREADS = 32;
    /**
     * One selector thread per core, up to 4 (Jetty's default is half that). The selectors serve the pages answered from
     * memory themselves (see JettyIndexHandler), so with one selector on 2 cores those pages could use only one.
     */
    private static final int SELECTORS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;

    /** A PKCS#12 key store with the server's certificate and private key. */
    public record Tls(Path keyStore, String password) {}

    public IndexServer(IndexService service, String host, int port) {
        this(service, host, port, null);
    }

    public IndexServer(IndexService service, String host, int port, Tls tlsConfig) {
        this(service, host, port, tlsConfig, DEFAULT_MAX_THREADS);
    }

    /**
     * @param maxThreads Jetty's pool: requests (and streamed downloads) served at once, plus Jetty's
     *     own few; more wait in its queue. Each thread costs native memory, which a 128 MiB container lacks.
     */
    public IndexServer(IndexService service, String host, int port, Tls tlsConfig, int maxThreads) {
        if (maxThreads < 8) {
            throw new IllegalArgumentException("--max-threads must be at least 8 (Jetty needs a few for itself)");
        }
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 4);
        threads.setName("index");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(8192); // request line + headers; larger ones get 431/414 from Jetty itself
        tls = tlsConfig != null;
        if (tls) {
            if (!Files.isReadable(tlsConfig.keyStore())) {
                throw new IllegalArgumentException("TLS key store " + tlsConfig.keyStore() + " is missing or unreadable");
            }
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tlsConfig.keyStore().toString());
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(tlsConfig.password());
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients may use the IP or an internal alias of the host
            http.addCustomizer(secure);
            connector = new ServerConnector(server, -1, SELECTORS, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, -1, SELECTORS, new HttpConnectionFactory(http));
        }
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        // On stop, wait (up to the stop timeout) for requests in flight instead of cutting them off.
        server.setHandler(new GracefulHandler(new JettyIndexHandler(service)));
        server.setErrorHandler(new PlainErrorHandler());
        server.setStopTimeout(5_000);
    }

    public IndexServer start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the index server on " + connector.getHost() + ":" + connector.getPort()
                    + ": " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Base URL as seen from this machine, e.g. http://127.0.0.1:8080 */
    public URI localUrl() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        return URI.create((tls ? "https://" : "http://") + host + ":" + port());
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Stopping the index server failed", e);
        }
    }
}
