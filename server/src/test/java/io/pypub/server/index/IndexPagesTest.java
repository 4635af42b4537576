package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Docs serving, the human stage page and the operational endpoints. */
class IndexPagesTest {
    private static IndexFixture index;

    @BeforeAll
    static void publish() {
        index = new IndexFixture();
        index.publish(index.env.copyOfExample("hello-package"), "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void docsAreServedWithTheirContentTypesAndIndexForFolders() throws Exception {
        HttpResponse<byte[]> folder = index.get("/dev/docs/hello-package/0.1.0/");
        assertThat(folder.statusCode()).isEqualTo(200);
        assertThat(folder.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(body(folder)).contains("hello_package");

        HttpResponse<byte[]> module = index.get("/dev/docs/hello-package/latest/hello_package.html");
        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(body(module)).contains("greet");

        HttpResponse<byte[]> js = index.get("/dev/docs/hello-package/0.1.0/search.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");

        assertThat(index.get("/dev/docs/hello-package/0.1.0").statusCode()).isEqualTo(301);
        assertThat(index.get("/dev/docs/hello-package/0.1.0/missing.html").statusCode()).isEqualTo(404);
        assertThat(index.get("/dev/docs/hello-package/9.9.9/").statusCode()).isEqualTo(404);
        assertThat(index.get("/dev/docs/hello-package/0.1.0/a%20b.html").statusCode()).isEqualTo(400);
    }

    @Test
    void theStagePageListsProjectsWithInstallCommandsAndDocs() throws Exception {
        HttpResponse<byte[]> r = index.get("/dev/");
        assertThat(r.statusCode()).isEqualTo(200);
        String html = body(r);
        assertThat(html).contains("hello-package").contains("A tiny example library published with pypub")
                .contains("pip install --index-url https://INDEX-HOST/dev/simple/ PROJECT") // no public URL configured: never the Host header
                .contains("href=\"-/project/hello-package/\"");
        assertThat(body(index.get("/prod/"))).contains("No packages published to this stage yet.");
    }

    @Test
    void healthAndPrometheusMetricsByRouteAndStatus() throws Exception {
        assertThat(index.get("/healthz").statusCode()).isEqualTo(200);
        index.get("/dev/simple/hello-package/");
        index.get("/dev/simple/nope/");
        String metrics = body(index.get("/metrics"));
        assertThat(metrics).contains("pypub_index_requests_seconds_count{route=\"simple_project\",status=\"200\"}")
                .contains("pypub_index_requests_seconds_count{route=\"simple_project\",status=\"404\"}")
                .contains("pypub_index_requests_seconds_bucket{route=\"simple_project\",status=\"200\",le=\"0.005\"}")
                .contains("jvm_memory_used_bytes");
    }
}
