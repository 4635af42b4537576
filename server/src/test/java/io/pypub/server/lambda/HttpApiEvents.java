package io.pypub.server.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Events as API Gateway sends them to a $default route with payload format 2.0 (the shape of the
 * sample in the API Gateway developer guide, "Working with AWS Lambda proxy integrations for HTTP
 * APIs"): lower-case header names, repeated headers joined with commas, cookies moved out of the
 * headers, no {@code body} for GET, and {@code cookies}/{@code queryStringParameters} left out
 * when there are none.
 */
final class HttpApiEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String method;
    private final String rawPath;
    private String rawQueryString = "";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private List<String> cookies = List.of();
    private String version = "2.0";
    private String body;
    private boolean base64;

    private HttpApiEvents(String method, String rawPath) {
        this.method = method;
        this.rawPath = rawPath;
        headers.put("accept", "*/*");
        headers.put("accept-encoding", "gzip, deflate");
        headers.put("content-length", "0");
        headers.put("host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com");
        headers.put("user-agent", "pip/25.1 {\"python\":\"3.12.3\"}");
        headers.put("x-amzn-trace-id", "Root=1-67891233-abcdef012345678912345678");
        headers.put("x-forwarded-for", "203.0.113.7");
        headers.put("x-forwarded-port", "443");
        headers.put("x-forwarded-proto", "https");
    }

    static HttpApiEvents get(String rawPath) {
        return new HttpApiEvents("GET", rawPath);
    }

    static HttpApiEvents request(String method, String rawPath) {
        return new HttpApiEvents(method, rawPath);
    }

    HttpApiEvents query(String rawQueryString) {
        this.rawQueryString = rawQueryString;
        return this;
    }

    /** A header as API Gateway passes it: a second value for the same name is appended after a comma. */
    /** Drops one of the default headers (e.g. {@code accept-encoding}: a client that takes no gzip). */
    HttpApiEvents without(String name) {
        headers.remove(name.toLowerCase(Locale.ROOT));
        return this;
    }

    HttpApiEvents header(String name, String value) {
        headers.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b);
        return this;
    }

    HttpApiEvents cookies(String... cookies) {
        this.cookies = List.of(cookies);
        return this;
    }

    /** A request body as API Gateway sends it: text, or base64 with {@code isBase64Encoded}. */
    HttpApiEvents body(String body, boolean base64) {
        this.body = base64 ? java.util.Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body;
        this.base64 = base64;
        headers.put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        return this;
    }

    HttpApiEvents version(String version) {
        this.version = version;
        return this;
    }

    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", version);
        root.put("routeKey", "$default");
        root.put("rawPath", rawPath);
        root.put("rawQueryString", rawQueryString);
        if (!cookies.isEmpty()) {
            var c = root.putArray("cookies");
            cookies.forEach(c::add);
        }
        ObjectNode h = root.putObject("headers");
        headers.forEach(h::put);
        if (!rawQueryString.isEmpty()) {
            // Decoded and comma-joined by API Gateway; the handler reads rawQueryString instead.
            ObjectNode q = root.putObject("queryStringParameters");
            for (String pair : rawQueryString.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        ObjectNode ctx = root.putObject("requestContext");
        ctx.put("accountId", "123456789012");
        ctx.put("apiId", "a1b2c3d4e5");
        ctx.put("domainName", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com");
        ctx.put("domainPrefix", "a1b2c3d4e5");
        ObjectNode http = ctx.putObject("http");
        http.put("method", method);
        http.put("path", rawPath);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.7");
        http.put("userAgent", headers.get("user-agent"));
        ctx.put("requestId", "JKJaXmPLvHcESHA=");
        ctx.put("routeKey", "$default");
        ctx.put("stage", "$default");
        ctx.put("time", "10/Mar/2025:19:03:58 +0000");
        ctx.put("timeEpoch", 1741633438390L);
        if (body != null) {
            root.put("body", body);
        }
        root.put("isBase64Encoded", base64);
        try {
            return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
