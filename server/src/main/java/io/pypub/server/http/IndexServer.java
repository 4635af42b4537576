package io.pypub.server.http;

import io.pypub.server.index.IndexService;
import java.net.URI;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The index over HTTP with Jetty: small thread pool, no server version header. */
public final class IndexServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    public IndexServer(IndexService service, String host, int port) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("index");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(8192); // request line + headers; larger ones get 431/414 from Jetty itself
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new JettyIndexHandler(service));
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
        return URI.create("http://" + host + ":" + port());
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
