package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Strict decoding of the event's rawPath, whether API Gateway decoded it already or not. */
class LambdaRequestPathTest {
    @Test
    void plainAndEncodedPathsDecodeToTheSamePath() throws Exception {
        assertThat(RequestPath.decode("/dev/simple/hello-package/")).isEqualTo("/dev/simple/hello-package/");
        assertThat(RequestPath.decode("/dev/simple/hello%2dpackage/")).isEqualTo("/dev/simple/hello-package/");
        assertThat(RequestPath.decode("/dev/files/p/1.0%2Blocal/p-1.0+local.tar.gz")).isEqualTo("/dev/files/p/1.0+local/p-1.0+local.tar.gz");
        assertThat(RequestPath.decode("/dev/docs/p/latest/caf%C3%A9.html")).isEqualTo("/dev/docs/p/latest/caf\u00e9.html");
        assertThat(RequestPath.decode("")).isEqualTo("/");
        assertThat(RequestPath.decode(null)).isEqualTo("/");
    }

    @Test
    void dotsInsideNamesAreFine() throws Exception {
        assertThat(RequestPath.decode("/dev/files/p/0.1.0/p-0.1.0.tar.gz")).endsWith("p-0.1.0.tar.gz");
        assertThat(RequestPath.decode("/dev/docs/p/latest/.nojekyll")).endsWith("/.nojekyll");
        assertThat(RequestPath.decode("/dev/docs/p/latest/...")).endsWith("/...");
    }

    @Test
    void whatWouldChangeOrHideTheSegmentsIsRefused() {
        for (String bad : new String[] {
            "/dev/simple/%2e%2e/", "/dev/simple/%2E./x", "/dev/simple/../", "/dev/simple/..", "/dev/./simple/",
            "/dev/files/a%2Fb", "/dev/files/a%2fb", "/dev/files/a%5Cb", "/dev/files/a\\b",
            "/dev/simple/%zz/", "/dev/simple/%2", "/dev/simple/%", "/dev/simple/%\u0661\u0662/",
            "/dev/simple/%c3%28/", "/dev/simple/%ff/",
            "/dev/simple/%00/", "/dev/simple/a\nb/", "/dev/simple/%7f/",
            "dev/simple/",
        }) {
            assertThatThrownBy(() -> RequestPath.decode(bad)).as(bad).isInstanceOf(BadRequestException.class);
        }
    }
}
