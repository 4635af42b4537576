package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.FileDigest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimpleApiTest {
    private static IndexFixture index;
    private static PublishResult published;

    @BeforeAll
    static void publish() {
        index = new IndexFixture();
        published = index.publish(index.env.copyOfExample("hello-package"), "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void projectPageLinksEveryFileWithItsSha256AndMetadata() throws Exception {
        HttpResponse<byte[]> r = index.get("/dev/simple/hello-package/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        for (ReleaseFile f : published.release().files()) {
            assertThat(body(r)).contains("href=\"../../files/hello-package/0.1.0/" + f.filename() + "#sha256=" + f.sha256() + "\"");
        }
        assertThat(body(r)).contains("data-requires-python=\"&gt;=3.9\"").contains("data-core-metadata=\"sha256=");
    }

    @Test
    void jsonIsServedWhenAskedFor() throws Exception {
        HttpResponse<byte[]> r = index.get("/dev/simple/hello-package/", "Accept",
                "application/vnd.pypi.simple.v1+json, text/html;q=0.5");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/vnd.pypi.simple.v1+json");
        JsonNode json = new ObjectMapper().readTree(r.body());
        assertThat(json.at("/meta/api-version").asText()).isEqualTo("1.1");
        assertThat(json.at("/versions/0").asText()).isEqualTo("0.1.0");
        assertThat(json.at("/files").size()).isEqualTo(2);
        assertThat(json.at("/files/0/hashes/sha256").asText()).isEqualTo(published.release().files().get(0).sha256());
    }

    @Test
    void projectListNamesThePublishedProject() throws Exception {
        HttpResponse<byte[]> r = index.get("/dev/simple/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r)).contains("<a href=\"hello-package/\">hello-package</a>");
        assertThat(index.get("/prod/simple/").statusCode()).isEqualTo(200);
        assertThat(body(index.get("/prod/simple/"))).doesNotContain("hello-package");
    }

    @Test
    void nonNormalizedNamesRedirectAndUnknownProjectsAre404() throws Exception {
        HttpResponse<byte[]> r = index.get("/dev/simple/Hello_Package/?key=abc");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).hasValue("/dev/simple/hello-package/?key=abc");
        assertThat(index.get("/dev/simple/no-such-project/").statusCode()).isEqualTo(404);
        assertThat(index.get("/dev/simple/hello-package/", "Accept", "application/xml").statusCode()).isEqualTo(406);
    }

    @Test
    void downloadsAreTheExactPublishedBytes() throws Exception {
        for (ReleaseFile f : published.release().files()) {
            HttpResponse<byte[]> r = index.get("/dev/files/hello-package/0.1.0/" + f.filename());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(FileDigest.sha256Hex(r.body())).isEqualTo(f.sha256());
            assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(f.size());
        }
        assertThat(index.get("/dev/files/hello-package/0.1.0/other-0.1.0.tar.gz").statusCode()).isEqualTo(404);
        assertThat(index.get("/dev/files/hello-package/9.9/hello_package-0.1.0.tar.gz").statusCode()).isEqualTo(404);
    }

    @Test
    void directLatestUrlServesTheSdistWithItsFilename() throws Exception {
        HttpResponse<byte[]> r = index.get("/dev/hello-package/latest");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"hello_package-0.1.0.tar.gz\"");
        assertThat(FileDigest.sha256Hex(r.body())).isEqualTo(published.release().primaryFile().sha256());
    }

    @Test
    void unchangedPagesAnswer304ToTheirETag() throws Exception {
        HttpResponse<byte[]> first = index.get("/dev/simple/hello-package/");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = index.get("/dev/simple/hello-package/", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }
}
