package io.pypub.server.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.server.exchange.IndexRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an API Gateway HTTP API event (payload format version 2.0) that the index uses.
 * Parsed with Jackson rather than aws-lambda-java-events: that library pulls in more than the five
 * fields needed here, and parsing them ourselves keeps the event shape visible in one place.
 *
 * @param headers lower-case names; API Gateway joins repeated headers with commas
 * @param cookies the request's cookies, which API Gateway moves out of the headers
 * @param requestId API Gateway's request id, for logs
 */
record HttpApiEvent(
        String method,
        String rawPath,
        String rawQueryString,
        Map<String, String> headers,
        List<String> cookies,
        String sourceIp,
        String requestId,
        byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static HttpApiEvent read(InputStream in) throws IOException, InvalidEventException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEventException("the event is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("the event is not a JSON object");
        }
        String version = root.path("version").asText("");
        if (!version.equals("2.0")) {
            throw new InvalidEventException("expected an API Gateway HTTP API event with payload format version 2.0, got version '"
                    + version + "': set the integration's payloadFormatVersion to 2.0");
        }
        JsonNode http = root.path("requestContext").path("http");
        String method = http.path("method").asText("");
        if (method.isEmpty()) {
            throw new InvalidEventException("the event has no requestContext.http.method");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (var e : root.path("headers").properties()) {
            headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText());
        }
        List<String> cookies = new ArrayList<>();
        root.path("cookies").forEach(c -> cookies.add(c.asText()));
        return new HttpApiEvent(method, root.path("rawPath").asText("/"), root.path("rawQueryString").asText(""), headers,
                cookies, http.path("sourceIp").asText(""), root.path("requestContext").path("requestId").asText(""), body(root));
    }

    /** The body of a sign-in form post (API Gateway sends it as text or base64); others are not read. */
    private static byte[] body(JsonNode root) {
        String text = root.path("body").asText("");
        byte[] raw = root.path("isBase64Encoded").asBoolean(false)
                ? java.util.Base64.getMimeDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        return raw.length > IndexRequest.MAX_FORM_BYTES ? new byte[0] : raw;
    }

    IndexRequest toIndexRequest() throws BadRequestException {
        Map<String, String> h = new HashMap<>(headers);
        if (!cookies.isEmpty()) {
            h.put("cookie", String.join("; ", cookies)); // back into one header, as a server would see it
        }
        String path = RequestPath.decode(rawPath);
        // API Gateway is reached over HTTPS only: session cookies from it are always Secure.
        return new IndexRequest(method, path, query(rawQueryString), h, sourceIp, true,
                IndexRequest.wantsBody(method, path) ? body : new byte[0]);
    }

    /** Query parameters, first value of each, as the Jetty adapter gives them. */
    static Map<String, String> query(String raw) throws BadRequestException {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                query.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("invalid percent-encoding in the query string");
            }
        }
        return query;
    }
}
