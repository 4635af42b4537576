package io.pypub.server.exchange;

import io.pypub.core.route.IndexRoute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as the index sees it, independent of the server that received it (Jetty or
 * API Gateway via Lambda).
 *
 * The path is decoded and always starts with '/'; the query holds the first value of each parameter.
 */
public final class IndexRequest {
    private final String method;
    private final String path;
    private final Map<String, String> query;
    private final Map<String, String> headers;
    private final String remoteAddress;
    private final List<String> segments;
    private final IndexRoute route;
    private final boolean secure;
    private final byte[] body;
    private final BodyStream bodyStream;

    /** Opens the request body as it arrives (an upload); the adapter's stream, read once. */
    @FunctionalInterface
    public interface BodyStream {
        java.io.InputStream open() throws java.io.IOException;
    }

    public IndexRequest(String method, String path, Map<String, String> query, Map<String, String> headers, String remoteAddress) {
        this(method, path, query, headers, remoteAddress, false, new byte[0]);
    }

    /**
     * @param secure whether the request reached this process over TLS (a proxy's {@code X-Forwarded-Proto} is judged elsewhere)
     * @param body the request body; adapters read it only for the sign-in form (small, bounded), else empty
     */
    public IndexRequest(String method, String path, Map<String, String> query, Map<String, String> headers, String remoteAddress,
            boolean secure, byte[] body) {
        this(method, path, query, headers, remoteAddress, secure, body, null);
    }

    /**
     * @param bodyStream the body as a stream (an upload: never read whole into memory), or null when the adapter has none
     */
    public IndexRequest(String method, String path, Map<String, String> query, Map<String, String> headers, String remoteAddress,
            boolean secure, byte[] body, BodyStream bodyStream) {
        this.bodyStream = bodyStream;
        this.secure = secure;
        this.body = body == null ? new byte[0] : body;
        this.method = method;
        this.path = path;
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        this.headers = h;
        this.query = Map.copyOf(query);
        this.remoteAddress = remoteAddress;
        this.segments = split(path);
        this.route = IndexRoute.parse(path, segments, path.endsWith("/")); // once: access, serving, metrics and audit all use it
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public Map<String, String> query() {
        return query;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** Path segments without empty ones; a trailing slash is reported by {@link #endsWithSlash()}. */
    public List<String> segments() {
        return segments;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>(4);
        int start = 0;
        while (start < path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (end > start) {
                out.add(path.substring(start, end));
            }
            start = end + 1;
        }
        return Collections.unmodifiableList(out);
    }

    /** What this request asks for, parsed once from the path. */
    public IndexRoute route() {
        return route;
    }

    /** Whether the request came over TLS to this process. */
    public boolean secure() {
        return secure;
    }

    /** The body (only the sign-in form's adapters read one), never null. */
    public byte[] body() {
        return body;
    }

    /** The body as a stream (uploads), or null when the adapter passed none (then an upload is refused). */
    public BodyStream bodyStream() {
        return bodyStream;
    }

    /** Whether adapters should read the body of this request: a POST to sign-in or sign-out, at most {@link #MAX_FORM_BYTES}. */
    public static boolean wantsBody(String method, String path) {
        return "POST".equalsIgnoreCase(method) && (path.equals("/-/signin") || path.equals("/-/signout"));
    }

    /** The largest form body read. */
    public static final int MAX_FORM_BYTES = 8192;

    public boolean endsWithSlash() {
        return path.endsWith("/");
    }

    public boolean isHeadOrGet() {
        String m = method.toUpperCase(Locale.ROOT);
        return m.equals("GET") || m.equals("HEAD");
    }
}
