package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.server.exchange.IndexRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading API Gateway HTTP API payload format 2.0 events into index requests. */
class LambdaEventTest {
    private static IndexRequest request(HttpApiEvents event) throws Exception {
        return HttpApiEvent.read(new ByteArrayInputStream(event.toJson())).toIndexRequest();
    }

    @Test
    void methodPathQueryHeadersAndSourceIpComeFromTheEvent() throws Exception {
        IndexRequest r = request(HttpApiEvents.get("/dev/simple/hello-package/")
                .query("key=a%2Bb%3D&key=second&flag&x=1+2")
                .header("authorization", "Bearer k")
                .header("x-custom", "one")
                .header("x-custom", "two"));
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.path()).isEqualTo("/dev/simple/hello-package/");
        assertThat(r.query()).containsEntry("key", "a+b=").containsEntry("flag", "").containsEntry("x", "1 2");
        assertThat(r.header("Authorization")).isEqualTo("Bearer k");
        assertThat(r.header("X-Custom")).isEqualTo("one,two");
        assertThat(r.remoteAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void cookiesGoBackIntoOneCookieHeader() throws Exception {
        IndexRequest r = request(HttpApiEvents.get("/dev/docs/p/latest/").cookies("session=abc", "theme=dark"));
        assertThat(r.header("Cookie")).isEqualTo("session=abc; theme=dark");
    }

    @Test
    void invalidQueryEncodingIsABadRequest() throws Exception {
        HttpApiEvent event = HttpApiEvent.read(new ByteArrayInputStream(HttpApiEvents.get("/dev/simple/").query("key=%zz").toJson()));
        assertThatThrownBy(event::toIndexRequest).isInstanceOf(BadRequestException.class);
    }

    @Test
    void eventsThatAreNotHttpApi2AreRejectedWithTheReason() {
        assertThatThrownBy(() -> HttpApiEvent.read(new ByteArrayInputStream(HttpApiEvents.get("/").version("1.0").toJson())))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("payloadFormatVersion to 2.0");
        assertThatThrownBy(() -> HttpApiEvent.read(new ByteArrayInputStream("{\"version\":\"2.0\"}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("requestContext.http.method");
        assertThatThrownBy(() -> HttpApiEvent.read(new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidEventException.class);
    }
}
