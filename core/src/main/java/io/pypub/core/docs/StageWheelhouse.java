package io.pypub.core.docs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.util.DaemonThreads;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stage's releases as a PEP 503 simple index on loopback, for the few seconds pip needs to install
 * a package's dependencies for its docs. It reads the version table and S3 with the publisher's
 * own credentials, so the docs build needs no API key and no running index server, and sees exactly
 * the stage being published to (private names resolve only here: nothing is looked up elsewhere
 * unless the agent's own pip configuration adds an index). A random path segment keeps other local
 * users of the agent from reading the stage through it while it runs. Yanked releases are left out.
 */
final class StageWheelhouse implements AutoCloseable {
    private final VersionTable versions;
    private final ArtifactStore store;
    private final Stage stage;
    private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, DaemonThreads.named("pypub-docs-wheelhouse"));

    StageWheelhouse(VersionTable versions, ArtifactStore store, Stage stage) throws IOException {
        this.versions = versions;
        this.store = store;
        this.stage = stage;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/" + token + "/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The simple index URL to give pip ({@code --index-url}). */
    String indexUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + token + "/simple/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] s = exchange.getRequestURI().getPath().substring(token.length() + 2).split("/");
            if (s.length == 2 && s[0].equals("simple") && ProjectName.isValid(s[1])) {
                String project = ProjectName.normalize(s[1]);
                if (!project.equals(s[1])) {
                    exchange.getResponseHeaders().set("Location", "../" + project + "/");
                    exchange.sendResponseHeaders(301, -1);
                    return;
                }
                send(exchange, 200, "text/html; charset=utf-8", page(project).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (s.length == 4 && s[0].equals("files") && ProjectName.isValid(s[1]) && Version.isValid(s[2])) {
                Optional<ReleaseFile> file = find(s[1], Version.parse(s[2]), s[3]);
                if (file.isPresent()) {
                    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                    exchange.sendResponseHeaders(200, file.get().size());
                    try (InputStream in = store.open(file.get().objectKey()); OutputStream out = exchange.getResponseBody()) {
                        in.transferTo(out);
                    }
                    return;
                }
            }
            send(exchange, 404, "text/plain", "Not found\n".getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // Storage trouble: pip reports the 503 in its resolver message.
            send(exchange, 503, "text/plain", ("Storage unavailable: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private String page(String project) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><body>\n");
        for (Release r : servable(project)) {
            for (ReleaseFile f : r.files()) {
                html.append("<a href=\"../../files/").append(project).append('/').append(r.version().normalized()).append('/')
                        .append(f.filename()).append("#sha256=").append(f.sha256()).append('"');
                if (f.requiresPython() != null && !f.requiresPython().isBlank()) {
                    html.append(" data-requires-python=\"").append(f.requiresPython().replace("&", "&amp;").replace("<", "&lt;")
                            .replace(">", "&gt;").replace("\"", "&quot;")).append('"');
                }
                html.append('>').append(f.filename()).append("</a><br>\n");
            }
        }
        return html.append("</body></html>\n").toString();
    }

    private List<Release> servable(String project) {
        return versions.releases(stage, project).stream().filter(r -> !r.yanked()).toList();
    }

    private Optional<ReleaseFile> find(String project, Version version, String filename) {
        return servable(ProjectName.normalize(project)).stream().filter(r -> r.version().equals(version))
                .flatMap(r -> r.files().stream()).filter(f -> f.filename().equals(filename)).findFirst();
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
