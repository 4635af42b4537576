package io.pypub.server.access;

import io.pypub.server.exchange.IndexRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Input the index refuses with 400 before looking at it further: over-long paths or headers,
 * control characters, dot segments and leftover percent signs (double encoding). The Jetty adapter
 * already rejects much of this while parsing; these checks hold for every adapter (e.g. Lambda).
 * The index never maps a URL to a storage key directly, so this is defence in depth.
 */
public final class RequestRules {
    public static final int MAX_PATH = 2048;
    public static final int MAX_HEADERS = 8192;
    public static final int MAX_QUERY_VALUE = 1024;

    private RequestRules() {
    }

    /** Why the request is refused, or empty when it is acceptable. */
    public static Optional<String> violation(IndexRequest request) {
        String path = request.path();
        if (path.length() > MAX_PATH) {
            return Optional.of("path longer than " + MAX_PATH + " characters");
        }
        if (hasControl(path) || path.indexOf('\\') >= 0) {
            return Optional.of("invalid characters in path");
        }
        if (path.indexOf('%') >= 0) {
            return Optional.of("encoded characters left in path after decoding");
        }
        if (hasDotSegment(path)) {
            return Optional.of("dot segments in path");
        }
        int headerBytes = 0;
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
            if (hasControl(h.getKey()) || hasControlExceptTab(h.getValue())) {
                return Optional.of("invalid characters in header " + safeName(h.getKey()));
            }
        }
        if (headerBytes > MAX_HEADERS) {
            return Optional.of("headers larger than " + MAX_HEADERS + " bytes");
        }
        for (Map.Entry<String, String> q : request.query().entrySet()) {
            if (q.getKey().length() > 64 || q.getValue().length() > MAX_QUERY_VALUE || hasControl(q.getKey()) || hasControl(q.getValue())) {
                return Optional.of("invalid query parameter");
            }
        }
        return Optional.empty();
    }

    // Plain loops: every request runs through these.
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasControlExceptTab(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** A "." or ".." segment between slashes (or at either end). */
    public static boolean hasDotSegment(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int len = end - start;
            if ((len == 1 && path.charAt(start) == '.') || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static String safeName(String header) {
        return header.length() > 40 || hasControl(header) ? "(unprintable)" : header;
    }
}
