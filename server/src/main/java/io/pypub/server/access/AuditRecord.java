package io.pypub.server.access;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pypub.core.access.ApiKeyToken;
import io.pypub.server.exchange.IndexRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request as the audit log keeps it. Fields that do not apply are left out of the JSON line.
 * The path never carries a secret: {@code key=} is dropped from the query and anything shaped like
 * a key elsewhere is reduced to its key id.
 */
public final class AuditRecord {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<LineBuffer> LINE = ThreadLocal.withInitial(LineBuffer::new);

    Instant time;
    String requestId;
    String clientIp;
    String peerIp;
    String method;
    String path;
    int status;
    long bytes;
    long durationMs;
    String keyId;
    String client;
    String user;
    String stage;
    String project;
    String version;
    String file;
    boolean download;
    /** {@code upstream} when the page or file came through the stage's upstream (issue 14), else absent. */
    String source;
    String reason;
    String userAgent;

    public String toJson() {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The same JSON as UTF-8 bytes with a newline, written to {@code sink} from this thread's buffer: no String and no
     * new arrays per request (they were a tenth of what serving a simple page allocated).
     */
    void writeTo(AuditSink sink) {
        LineBuffer line = LINE.get();
        line.reset();
        try (JsonGenerator g = JSON.createGenerator(line, JsonEncoding.UTF8)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        line.write('\n');
        sink.write(line.bytes(), 0, line.size());
    }

    /** A line being built, reused by its thread; its array is read up to {@link #size()}. */
    private static final class LineBuffer extends ByteArrayOutputStream {
        LineBuffer() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    // Straight to a generator (no tree per request).
    private void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("time", InstantText.of(time));
        g.writeStringField("request_id", requestId);
        g.writeStringField("client_ip", clientIp);
        if (peerIp != null && !peerIp.equals(clientIp)) {
            g.writeStringField("peer_ip", peerIp);
        }
        g.writeStringField("method", method);
        g.writeStringField("path", ApiKeyToken.redact(path));
        g.writeNumberField("status", status);
        g.writeNumberField("bytes", bytes);
        g.writeNumberField("duration_ms", durationMs);
        putIfPresent(g, "key_id", keyId);
        putIfPresent(g, "client", client);
        putIfPresent(g, "user", user);
        putIfPresent(g, "stage", stage);
        putIfPresent(g, "project", project);
        putIfPresent(g, "version", version);
        putIfPresent(g, "file", file);
        if (download) {
            g.writeBooleanField("download", true);
        }
        putIfPresent(g, "source", source);
        putIfPresent(g, "reason", reason);
        putIfPresent(g, "user_agent", userAgent);
        g.writeEndObject();
    }

    /** Every text field is redacted: stage, project, version and file come from the path, which may hold anything. */
    private static void putIfPresent(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, ApiKeyToken.redact(value));
        }
    }

    /** Path and query as received, minus secrets, at most 2 KB. */
    static String safePath(IndexRequest request) {
        if (request.query().isEmpty()) {
            return ApiKeyToken.redact(clip(request.path(), 2048)); // most requests: no map to sort, no builder
        }
        StringBuilder out = new StringBuilder(clip(request.path(), 2048));
        Map<String, String> query = new TreeMap<>(request.query());
        query.remove("key");
        char sep = '?';
        for (var e : query.entrySet()) {
            out.append(sep).append(URLEncoder.encode(clip(e.getKey(), 64), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(clip(e.getValue(), 256), StandardCharsets.UTF_8));
            sep = '&';
        }
        return ApiKeyToken.redact(out.toString());
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
