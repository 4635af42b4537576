package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.server.exchange.IndexResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The payload format 2.0 response JSON written for index responses. */
class LambdaResponseTest {
    private static JsonNode written(HttpApiResponse response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response.writeTo(out);
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void textIsSentAsIsWithStatusAndHeaders() throws Exception {
        JsonNode json = written(HttpApiResponse.of(IndexResponse.text(404, "Not found"), false, "/x"));
        assertThat(json.get("statusCode").asInt()).isEqualTo(404);
        assertThat(json.at("/headers/Content-Type").asText()).isEqualTo("text/plain; charset=utf-8");
        assertThat(json.get("body").asText()).isEqualTo("Not found\n");
        assertThat(json.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(json.has("cookies")).isFalse();
    }

    @Test
    void binaryIsBase64AndRoundTripsEveryByteValue() throws Exception {
        byte[] bytes = new byte[70_001];
        new Random(7).nextBytes(bytes);
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        IndexResponse r = IndexResponse.stream("application/octet-stream", bytes.length, () -> new ByteArrayInputStream(bytes));
        JsonNode json = written(HttpApiResponse.of(r, false, "/x"));
        assertThat(json.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(json.get("body").asText())).isEqualTo(bytes);
    }

    @Test
    void textInAnotherCharsetOrInvalidUtf8GoesBase64() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpApiResponse.asText("text/plain; charset=iso-8859-1", latin1)).isNull();
        assertThat(HttpApiResponse.asText("text/plain", latin1)).isNull();
        assertThat(HttpApiResponse.asText("text/html; charset=UTF-8", "caf\u00e9".getBytes(StandardCharsets.UTF_8))).isEqualTo("caf\u00e9");
        assertThat(HttpApiResponse.asText("application/vnd.pypi.simple.v1+json", "{}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{}");
        assertThat(HttpApiResponse.asText("image/png", new byte[] {1})).isNull();
        assertThat(HttpApiResponse.asText(null, new byte[0])).isEmpty();
    }

    @Test
    void setCookieHeadersBecomeTheCookiesField() throws Exception {
        IndexResponse r = IndexResponse.text(200, "ok").header("Set-Cookie", "session=abc; Path=/; HttpOnly; Secure");
        JsonNode json = written(HttpApiResponse.of(r, false, "/x"));
        assertThat(json.get("cookies").get(0).asText()).isEqualTo("session=abc; Path=/; HttpOnly; Secure");
        assertThat(json.get("headers").has("Set-Cookie")).isFalse();
    }

    @Test
    void streamsOfKnownLengthOver5MbAreRefusedWith502WithoutBeingOpened() throws Exception {
        AtomicBoolean opened = new AtomicBoolean();
        IndexResponse r = IndexResponse.stream("application/octet-stream", 6L * 1024 * 1024, () -> {
            opened.set(true);
            return InputStream.nullInputStream();
        });
        HttpApiResponse response = HttpApiResponse.of(r, false, "/dev/files/big/1.0/big-1.0.tar.gz");
        assertThat(response.status()).isEqualTo(502);
        assertThat(opened).isFalse();
        assertThat(written(response).get("body").asText()).contains("too large");
    }

    @Test
    void streamsOfUnknownLengthAreReadOnlyUpToTheLimit() {
        byte[] text = "x".repeat(HttpApiResponse.MAX_BODY_BYTES + 10).getBytes(StandardCharsets.UTF_8);
        IndexResponse r = IndexResponse.stream("text/plain; charset=utf-8", -1, () -> new ByteArrayInputStream(text));
        assertThat(HttpApiResponse.of(r, false, "/x").status()).isEqualTo(502);

        byte[] fits = "x".repeat(HttpApiResponse.MAX_BODY_BYTES).getBytes(StandardCharsets.UTF_8);
        IndexResponse ok = IndexResponse.stream("text/plain; charset=utf-8", -1, () -> new ByteArrayInputStream(fits));
        assertThat(HttpApiResponse.of(ok, false, "/x").status()).isEqualTo(200);
    }

    @Test
    void theLimitAppliesToTheBodyAsSentSoBinaryIsLimitedBeforeBase64() {
        // 4.5 MB of bytes is 6 MB once base64-encoded: more than a Lambda response can carry.
        byte[] bytes = new byte[HttpApiResponse.MAX_BODY_BYTES * 9 / 10];
        IndexResponse r = IndexResponse.stream("application/octet-stream", bytes.length, () -> new ByteArrayInputStream(bytes));
        assertThat(HttpApiResponse.of(r, false, "/x").status()).isEqualTo(502);

        byte[] small = new byte[HttpApiResponse.MAX_BODY_BYTES * 3 / 4];
        IndexResponse fits = IndexResponse.stream("application/octet-stream", small.length, () -> new ByteArrayInputStream(small));
        HttpApiResponse ok = HttpApiResponse.of(fits, false, "/x");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.isBase64Encoded()).isTrue();
    }

    @Test
    void storageFailuresWhileReadingAre503() {
        IndexResponse r = IndexResponse.stream("application/octet-stream", 10, () -> {
            throw new java.io.IOException("connection reset");
        });
        assertThat(HttpApiResponse.of(r, false, "/x").status()).isEqualTo(503);
    }

    @Test
    void headResponsesCarryNoBodyAndDoNotOpenStreams() throws Exception {
        AtomicBoolean opened = new AtomicBoolean();
        IndexResponse r = IndexResponse.stream("application/octet-stream", 100, () -> {
            opened.set(true);
            return InputStream.nullInputStream();
        });
        JsonNode json = written(HttpApiResponse.of(r, true, "/x"));
        assertThat(json.get("statusCode").asInt()).isEqualTo(200);
        assertThat(json.get("body").asText()).isEmpty();
        assertThat(opened).isFalse();
    }
}
