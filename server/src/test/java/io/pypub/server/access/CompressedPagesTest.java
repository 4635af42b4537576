package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pages go out gzipped to clients that accept it (pip and uv always do), as the same bytes once
 * inflated, with their own ETag; clients that do not accept gzip, small pages and downloads get
 * what they got before. Through the real server, pip and uv.
 */
class CompressedPagesTest {
    private static final int LIBRARIES = 80; // the root listing and app's page are well over the 1 KiB threshold
    private static final String JSON = "application/vnd.pypi.simple.v1+json";
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void publish() throws Exception {
        index = new AccessFixture();
        Path dir = TestEnvironment.tempDir("gzip-pages");
        List<String> libs = IntStream.range(0, LIBRARIES).mapToObj(i -> String.format("lib-%03d", i)).toList();
        for (String lib : libs) {
            TinyWheels.write(dir, lib, "1.0");
        }
        for (int minor = 0; minor < 8; minor++) {
            TinyWheels.write(dir, "app", "1." + minor, List.of("lib-000>=1.0", "lib-001"));
        }
        var imported = index.cli(null, "import", "--stage", "dev", dir.toString());
        assertThat(imported.exitCode()).as(imported.stderr()).isZero();
        key = index.createKey("--client", "gzip-team", "--stages", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void pagesGoOutGzippedAndInflateToTheSameBytes() throws Exception {
        for (String path : List.of("/dev/simple/", "/dev/simple/app/", "/dev/pypi/app/json", "/dev/")) {
            for (String accept : List.of("text/html", JSON)) {
                HttpResponse<byte[]> plain = get(path, "Accept", accept);
                HttpResponse<byte[]> gz = get(path, "Accept", accept, "Accept-Encoding", "gzip, deflate");
                String what = path + " as " + accept;
                assertThat(plain.statusCode()).as(what).isEqualTo(200);
                assertThat(gz.statusCode()).as(what).isEqualTo(200);
                assertThat(plain.headers().firstValue("Content-Encoding")).as(what).isEmpty();
                assertThat(gz.headers().firstValue("Content-Encoding")).as(what).hasValue("gzip");
                assertThat(gunzip(gz.body())).as(what).isEqualTo(plain.body());
                assertThat(gz.body().length).as(what).isLessThan(plain.body().length / 2);
                assertThat(gz.headers().firstValue("Content-Length")).as(what).hasValue(String.valueOf(gz.body().length));
                for (var r : List.of(plain, gz)) {
                    assertThat(r.headers().firstValue("Vary").orElse("")).as(what).contains("Accept-Encoding");
                }
                String etag = plain.headers().firstValue("ETag").orElseThrow();
                assertThat(gz.headers().firstValue("ETag")).as(what).hasValue(etag.substring(0, etag.length() - 1) + "-gz\"");
            }
        }
    }

    @Test
    void conditionalRequestsWorkForBothVariants() throws Exception {
        String path = "/dev/simple/app/";
        String plainTag = get(path).headers().firstValue("ETag").orElseThrow();
        String gzTag = get(path, "Accept-Encoding", "gzip").headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> plain304 = get(path, "If-None-Match", plainTag);
        assertThat(plain304.statusCode()).isEqualTo(304);
        assertThat(plain304.headers().firstValue("ETag")).hasValue(plainTag);
        HttpResponse<byte[]> gz304 = get(path, "If-None-Match", gzTag, "Accept-Encoding", "gzip");
        assertThat(gz304.statusCode()).isEqualTo(304);
        assertThat(gz304.headers().firstValue("ETag")).hasValue(gzTag);
        assertThat(gz304.headers().firstValue("Vary").orElse("")).contains("Accept-Encoding");

        // A validator of the other variant never confirms this one: the client gets the bytes it asked for.
        HttpResponse<byte[]> crossed = get(path, "If-None-Match", plainTag, "Accept-Encoding", "gzip");
        assertThat(crossed.statusCode()).isEqualTo(200);
        assertThat(crossed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        HttpResponse<byte[]> crossedBack = get(path, "If-None-Match", gzTag);
        assertThat(crossedBack.statusCode()).isEqualTo(200);
        assertThat(crossedBack.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void acceptEncodingWeightsDecide() throws Exception {
        Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
        cases.put("gzip;q=0", false);
        cases.put("gzip; q=0.000, br", false);
        cases.put("*", true);
        cases.put("br;q=1.0, *;q=0.1", true);
        cases.put("br, *;q=0", false);
        cases.put("*;q=0, gzip", true); // the named coding wins over *
        cases.put("gzip;q=0, *", false);
        cases.put("identity", false);
        cases.put("GZIP;Q=0.5", true);
        cases.put("x-gzip", true);
        cases.put("deflate, br", false);
        // Malformed: no error, and no gzip unless a well-formed element asks for it.
        cases.put("gzip;q=abc", false);
        cases.put("gzip;q=2", false);
        cases.put(";;,,=;q=", false);
        cases.put(",gzip,,", true);
        cases.put("gzip;q=0.5;q", true);
        for (var c : cases.entrySet()) {
            HttpResponse<byte[]> r = get("/dev/simple/", "Accept-Encoding", c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Encoding").isPresent()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void smallPagesHeadAndDownloadsStayAsTheyWere() throws Exception {
        // A page under 1 KiB has no gzip variant: it goes as is, still marked as varying.
        HttpResponse<byte[]> small = get("/dev/simple/lib-000/", "Accept-Encoding", "gzip");
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(small.body().length).isLessThan(1024);

        // HEAD announces the length of the variant a GET would send.
        int gzLength = get("/dev/simple/", "Accept-Encoding", "gzip").body().length;
        HttpResponse<Void> head = index.http.send(request("/dev/simple/", "Accept-Encoding", "gzip")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(gzLength));

        // Wheels are zip files already: never compressed again.
        HttpResponse<byte[]> wheel = get("/dev/files/app/1.7/app-1.7-py3-none-any.whl", "Accept-Encoding", "gzip");
        assertThat(wheel.statusCode()).isEqualTo(200);
        assertThat(wheel.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(wheel.body(), 0, 2, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("PK");
    }

    @Test
    void pipAndUvInstallFromGzippedPages() throws Exception {
        String indexUrl = AccessFixture.withKey(index.server(), key, "/dev/simple/");
        Path pipTarget = TestEnvironment.tempDir("gzip-pip");
        AccessFixture.Run pip = index.pip(TestEnvironment.pythonEnvironment(), "install", "--target", pipTarget.toString(),
                "--index-url", indexUrl, "app==1.7");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        assertThat(pipTarget.resolve("app_mod/__init__.py")).content().contains("1.7");
        assertThat(pipTarget.resolve("lib_001_mod")).isDirectory();

        Path uvTarget = TestEnvironment.tempDir("gzip-uv");
        List<String> uv = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "pip", "install",
                "--no-cache", "--python", TestEnvironment.pythonEnvironment().python().toString(), "--target", uvTarget.toString(),
                "--index-url", indexUrl, "app==1.7"));
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(uv, uvTarget, Map.of(), Duration.ofMinutes(3), line -> out.append(line).append('\n'));
        assertThat(r.exitCode()).as(out.toString()).isZero();
        assertThat(uvTarget.resolve("app_mod/__init__.py")).content().contains("1.7");
        assertThat(uvTarget.resolve("lib_001_mod")).isDirectory();

        // The audit line counts the bytes sent: for app's page, the size of a gzip variant, never of a plain one.
        Set<Integer> gzSizes = Set.of(get("/dev/simple/app/", "Accept", "text/html", "Accept-Encoding", "gzip").body().length,
                get("/dev/simple/app/", "Accept", JSON, "Accept-Encoding", "gzip").body().length);
        List<JsonNode> pages = index.logs.audit().stream()
                .filter(a -> a.path("path").asText().equals("/dev/simple/app/"))
                .filter(a -> a.path("user_agent").asText().startsWith("pip/") || a.path("user_agent").asText().startsWith("uv/"))
                .toList();
        Set<String> agents = pages.stream().map(a -> a.path("user_agent").asText().split("/")[0]).collect(Collectors.toSet());
        assertThat(agents).contains("pip", "uv");
        assertThat(pages).allSatisfy(a -> {
            assertThat(a.path("status").asInt()).isEqualTo(200);
            assertThat(gzSizes).contains(a.path("bytes").asInt());
        });
    }

    private static HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(index.url(path))).header("Authorization", "Bearer " + key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** Java's HttpClient sends no Accept-Encoding of its own and inflates nothing: what the server sent, byte for byte. */
    private static HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        return index.http.send(request(path, headers).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
