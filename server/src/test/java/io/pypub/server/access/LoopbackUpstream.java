package io.pypub.server.access;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pypub.core.project.ProjectName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipFile;

/**
 * A static PEP 503 index on loopback (the JDK's HTTP server), standing in for PyPI: HTML pages
 * {@code /simple/{project}/} linking {@code /files/{project}/{filename}} with {@code #sha256=} and,
 * for wheels, PEP 658 metadata. Every request is written to an access log the tests assert on; files
 * can be deleted, changed (page follows), tampered with (page keeps the old hash), and the whole
 * server stopped (connection refused).
 */
public final class LoopbackUpstream implements AutoCloseable {
    record Dist(String filename, byte[] bytes, String sha256, byte[] metadata, String requiresPython) {}

    private final Map<String, Map<String, Dist>> projects = new ConcurrentHashMap<>();
    public final List<String> accessLog = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private int port;
    /** When set, HTML pages need this Basic credential. */
    volatile String requiredAuthorization;

    public LoopbackUpstream start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        port = server.getAddress().getPort();
        return this;
    }

    /** Stops answering: connections are refused from now on (start() brings it back on the same port). */
    public void stop() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
            server = null;
        }
    }

    public String simpleUrl() {
        return "http://127.0.0.1:" + port + "/simple/";
    }

    /** Requests whose path mentions {@code project} (normalized) anywhere. */
    public List<String> requestsFor(String project) {
        String n = ProjectName.normalize(project);
        String underscored = n.replace('-', '_');
        return accessLog.stream().filter(l -> l.contains("/" + n + "/") || l.contains("/" + underscored + "-")).toList();
    }

    public void add(String project, Path file) throws IOException {
        add(project, file.getFileName().toString(), Files.readAllBytes(file), ">=3.8");
    }

    void add(String project, String filename, byte[] bytes, String requiresPython) throws IOException {
        byte[] metadata = filename.endsWith(".whl") ? wheelMetadata(bytes) : null;
        projects.computeIfAbsent(ProjectName.normalize(project), k -> new ConcurrentHashMap<>())
                .put(filename, new Dist(filename, bytes, sha256(bytes), metadata, requiresPython));
    }

    void delete(String project, String filename) {
        projects.get(ProjectName.normalize(project)).remove(filename);
    }

    /** New bytes under the same name, and the page says so (what a compromised or careless upstream does). */
    void change(String project, String filename, byte[] bytes) {
        Dist d = projects.get(ProjectName.normalize(project)).get(filename);
        projects.get(ProjectName.normalize(project)).put(filename, new Dist(filename, bytes, sha256(bytes), d.metadata(), d.requiresPython()));
    }

    /** New bytes, while the page keeps the old hash (a tampered file, or a mirror serving the wrong one). */
    void tamper(String project, String filename, byte[] bytes) {
        Dist d = projects.get(ProjectName.normalize(project)).get(filename);
        projects.get(ProjectName.normalize(project)).put(filename, new Dist(filename, bytes, d.sha256(), d.metadata(), d.requiresPython()));
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        accessLog.add(ex.getRequestMethod() + " " + path);
        try (ex) {
            String[] s = path.split("/");
            if (requiredAuthorization != null && !requiredAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "text/plain", "login".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (s.length == 3 && s[1].equals("simple") && path.endsWith("/")) {
                Map<String, Dist> files = projects.get(s[2]);
                if (files == null) {
                    send(ex, 404, "text/plain", "no such project".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Links for " + s[2] + "</title></head><body>\n");
                for (Dist d : new ArrayList<>(files.values())) {
                    html.append("<a href=\"../../files/").append(s[2]).append('/').append(d.filename()).append("#sha256=").append(d.sha256())
                            .append("\" data-requires-python=\"").append(d.requiresPython().replace(">", "&gt;").replace("<", "&lt;")).append('"');
                    if (d.metadata() != null) {
                        html.append(" data-dist-info-metadata=\"sha256=").append(sha256(d.metadata())).append('"');
                    }
                    html.append('>').append(d.filename()).append("</a><br/>\n");
                }
                send(ex, 200, "text/html; charset=utf-8", html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (s.length == 4 && s[1].equals("files")) {
                Map<String, Dist> files = projects.getOrDefault(s[2], Map.of());
                String name = s[3];
                boolean metadata = name.endsWith(".metadata");
                Dist d = files.get(metadata ? name.substring(0, name.length() - ".metadata".length()) : name);
                if (d == null || (metadata && d.metadata() == null)) {
                    send(ex, 404, "text/plain", "no such file".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                send(ex, 200, "application/octet-stream", metadata ? d.metadata() : d.bytes());
                return;
            }
            send(ex, 404, "text/plain", "not here".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static byte[] wheelMetadata(byte[] wheel) throws IOException {
        Path tmp = Files.createTempFile("wheel", ".whl");
        try {
            Files.write(tmp, wheel);
            try (ZipFile zip = new ZipFile(tmp.toFile())) {
                var entry = zip.stream().filter(e -> e.getName().matches("[^/]+\\.dist-info/METADATA")).findFirst().orElseThrow();
                try (InputStream in = zip.getInputStream(entry)) {
                    return in.readAllBytes();
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
