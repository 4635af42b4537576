package io.pypub.server.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pypub.core.access.ApiKeyToken;
import io.pypub.server.index.IndexRequest;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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
    String reason;
    String userAgent;

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", time.toString());
        o.put("request_id", requestId);
        o.put("client_ip", clientIp);
        if (peerIp != null && !peerIp.equals(clientIp)) {
            o.put("peer_ip", peerIp);
        }
        o.put("method", method);
        o.put("path", ApiKeyToken.redact(path));
        o.put("status", status);
        o.put("bytes", bytes);
        o.put("duration_ms", durationMs);
        putIfPresent(o, "key_id", keyId);
        putIfPresent(o, "client", client);
        putIfPresent(o, "user", user);
        putIfPresent(o, "stage", stage);
        putIfPresent(o, "project", project);
        putIfPresent(o, "version", version);
        putIfPresent(o, "file", file);
        if (download) {
            o.put("download", true);
        }
        putIfPresent(o, "reason", reason);
        putIfPresent(o, "user_agent", userAgent);
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every text field is redacted: stage, project, version and file come from the path, which may hold anything. */
    private static void putIfPresent(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, ApiKeyToken.redact(value));
        }
    }

    /** Path and query as received, minus secrets, at most 2 KB. */
    static String safePath(IndexRequest request) {
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
