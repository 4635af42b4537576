package io.pypub.server.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pypub.core.storage.StorageException;
import io.pypub.server.exchange.IndexResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function's answer in API Gateway's payload format 2.0: {@code statusCode}, {@code headers},
 * {@code cookies}, {@code body} and {@code isBase64Encoded}. Text is sent as is, anything else
 * (a download, a gzip page) base64-encoded so bytes survive the JSON. The whole body sits in the response, so a body
 * larger than {@link #MAX_BODY_BYTES} as sent (after base64) is refused with a 502: Lambda cuts
 * responses at 6 MB, and downloads belong on presigned redirects anyway.
 */
final class HttpApiResponse {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiResponse.class);
    private static final JsonFactory JSON = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** Body size as sent; leaves room under Lambda's 6 MB response limit for headers and JSON escaping. */
    static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

    private final int status;
    private final Map<String, String> headers;
    private final List<String> cookies;
    private final String body;
    private final boolean base64;

    private HttpApiResponse(int status, Map<String, String> headers, List<String> cookies, String body, boolean base64) {
        this.status = status;
        this.headers = headers;
        this.cookies = cookies;
        this.body = body;
        this.base64 = base64;
    }

    /**
     * @param head true for HEAD requests: headers only
     * @param path the request path, for logs
     */
    static HttpApiResponse of(IndexResponse response, boolean head, String path) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        response.headers().forEach((name, value) -> {
            // In format 2.0 each cookie is its own entry; API Gateway turns them into Set-Cookie headers.
            if (name.equalsIgnoreCase("Set-Cookie")) {
                cookies.add(value);
            } else {
                headers.put(name, value);
            }
        });
        if (head) {
            return new HttpApiResponse(response.status(), headers, cookies, "", false);
        }
        byte[] bytes;
        if (response.isStream()) {
            if (response.length() > MAX_BODY_BYTES) {
                return tooLarge(path, response.length() + " bytes");
            }
            try (InputStream in = response.stream().open()) {
                bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            } catch (IOException | StorageException e) {
                LOG.error("Reading the body of {} from storage failed: {}", path, e.getMessage());
                return of(IndexResponse.text(503, "Storage temporarily unavailable").header("Retry-After", "5"), false, path);
            }
        } else {
            bytes = response.body();
        }
        // A compressed page is bytes whatever its Content-Type: base64, and API Gateway sends it on as is.
        String text = response.header("Content-Encoding") == null ? asText(response.header("Content-Type"), bytes) : null;
        long sent = text != null ? bytes.length : 4L * ((bytes.length + 2) / 3);
        if (sent > MAX_BODY_BYTES) {
            return tooLarge(path, bytes.length > MAX_BODY_BYTES ? "more than " + MAX_BODY_BYTES + " bytes"
                    : bytes.length + " bytes (" + sent + " as base64)");
        }
        return text != null
                ? new HttpApiResponse(response.status(), headers, cookies, text, false)
                : new HttpApiResponse(response.status(), headers, cookies, Base64.getEncoder().encodeToString(bytes), true);
    }

    private static HttpApiResponse tooLarge(String path, String size) {
        LOG.error("Response body for {} is {}, over the {} bytes allowed in a Lambda response (Lambda limits responses to 6 MB):"
                + " answered 502. Serve such files by presigned redirect (IndexSettings.DownloadMode.REDIRECT).",
                path, size, MAX_BODY_BYTES);
        IndexResponse r = IndexResponse.text(502, "Response too large for this deployment");
        return new HttpApiResponse(502, new LinkedHashMap<>(r.headers()), List.of(), new String(r.body(), StandardCharsets.UTF_8), false);
    }

    /** The body as a string when it is text in UTF-8 (or no charset), else null: it goes base64. */
    static String asText(String contentType, byte[] bytes) {
        if (contentType == null) {
            return bytes.length == 0 ? "" : null;
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        String type = parts[0].strip();
        boolean textual = type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml") || type.equals("application/javascript");
        if (!textual) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                return null; // other charsets would be garbled by a JSON string; base64 keeps the bytes
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    int status() {
        return status;
    }

    boolean isBase64Encoded() {
        return base64;
    }

    void writeTo(OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("statusCode", status);
            g.writeObjectFieldStart("headers");
            for (var e : headers.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (!cookies.isEmpty()) {
                g.writeArrayFieldStart("cookies");
                for (String c : cookies) {
                    g.writeString(c);
                }
                g.writeEndArray();
            }
            g.writeStringField("body", body);
            g.writeBooleanField("isBase64Encoded", base64);
            g.writeEndObject();
        }
        out.flush();
    }
}
