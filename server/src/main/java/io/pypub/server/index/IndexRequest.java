package io.pypub.server.index;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as the index sees it, independent of the server that received it (Jetty or
 * API Gateway via Lambda).
 *
 * @param path the decoded path, always starting with '/'
 * @param query query parameters (first value of each)
 */
public record IndexRequest(String method, String path, Map<String, String> query, Map<String, String> headers, String remoteAddress) {

    public IndexRequest {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = h;
        query = Map.copyOf(query);
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** Path segments without empty ones; a trailing slash is reported by {@link #endsWithSlash()}. */
    public List<String> segments() {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    public boolean endsWithSlash() {
        return path.endsWith("/");
    }

    public boolean isHeadOrGet() {
        String m = method.toUpperCase(Locale.ROOT);
        return m.equals("GET") || m.equals("HEAD");
    }
}
