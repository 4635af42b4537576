package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.FileDigest;
import io.pypub.server.index.IndexSettings.DownloadMode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Lambda handler invoked with API Gateway HTTP API events against the real local S3 and
 * DynamoDB servers, after publishing examples/hello-package through the core pipeline.
 */
class LambdaIndexTest {
    private static LambdaFixture fixture;
    private static PublishResult published;
    /** As deployed: downloads are presigned redirects. */
    private static IndexLambdaHandler lambda;
    /** Streaming, to exercise bodies that do come through the function (and base64). */
    private static IndexLambdaHandler streaming;

    @BeforeAll
    static void publish() {
        fixture = new LambdaFixture();
        published = fixture.publish(fixture.env.copyOfExample("hello-package"), "dev");
        lambda = fixture.handler(DownloadMode.REDIRECT);
        streaming = fixture.handler(DownloadMode.STREAM);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static LambdaFixture.Result get(String rawPath) {
        return LambdaFixture.invoke(lambda, HttpApiEvents.get(rawPath));
    }

    private static ReleaseFile file(PackageType type) {
        return published.release().files().stream().filter(f -> f.packageType() == type).findFirst().orElseThrow();
    }

    @Test
    void projectPageIsHtmlWithEveryFileAndItsHash() {
        // A client without gzip gets the page as text in the JSON; pip's gzip page goes base64 (LambdaPagesTest).
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/simple/hello-package/").without("accept-encoding"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.base64()).isFalse();
        for (ReleaseFile f : published.release().files()) {
            assertThat(r.body()).contains("href=\"../../files/hello-package/0.1.0/" + f.filename() + "#sha256=" + f.sha256() + "\"");
        }
        assertThat(r.header("ETag")).isNotBlank();
    }

    @Test
    void jsonIsServedWhenTheAcceptHeaderAsksForIt() throws Exception {
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/simple/hello-package/")
                .header("accept", "application/vnd.pypi.simple.v1+json")
                .header("accept", "text/html;q=0.5"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/vnd.pypi.simple.v1+json");
        assertThat(r.base64()).isEqualTo("gzip".equals(r.header("Content-Encoding"))); // text, unless it went gzipped
        JsonNode json = new ObjectMapper().readTree(r.body());
        assertThat(json.at("/name").asText()).isEqualTo("hello-package");
        assertThat(json.at("/versions/0").asText()).isEqualTo("0.1.0");
        assertThat(json.at("/files").size()).isEqualTo(2);
    }

    @Test
    void projectListNamesTheProject() {
        LambdaFixture.Result r = get("/dev/simple/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("<a href=\"hello-package/\">hello-package</a>");
    }

    @Test
    void nonNormalizedNamesRedirectKeepingTheQuery() {
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/simple/Hello_Package/").query("key=abc"));
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/dev/simple/hello-package/?key=abc");
    }

    @Test
    void unknownProjectsAndStagesAre404() {
        assertThat(get("/dev/simple/no-such-project/").status()).isEqualTo(404);
        assertThat(get("/dev/files/hello-package/0.1.0/other-0.1.0.tar.gz").status()).isEqualTo(404);
        assertThat(get("/").status()).isEqualTo(404);
    }

    @Test
    void unchangedPagesAnswer304() {
        String etag = get("/dev/simple/hello-package/").header("ETag");
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/simple/hello-package/").header("if-none-match", etag));
        assertThat(r.status()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void downloadsRedirectToAPresignedUrlThatServesTheExactBytes() throws Exception {
        for (ReleaseFile f : published.release().files()) {
            LambdaFixture.Result r = get("/dev/files/hello-package/0.1.0/" + f.filename());
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            String location = r.header("Location");
            assertThat(location).startsWith(fixture.deployment.settings().s3Endpoint().toString()).contains("X-Amz-Signature=");
            HttpResponse<byte[]> s3 = fixture.fetch(location);
            assertThat(s3.statusCode()).isEqualTo(200);
            assertThat(s3.body()).hasSize((int) f.size());
            assertThat(FileDigest.sha256Hex(s3.body())).isEqualTo(f.sha256());
        }
    }

    @Test
    void directLatestUrlRedirectsToTheSdist() throws Exception {
        LambdaFixture.Result r = get("/dev/hello-package/latest");
        assertThat(r.status()).isEqualTo(302);
        HttpResponse<byte[]> s3 = fixture.fetch(r.header("Location"));
        assertThat(s3.statusCode()).isEqualTo(200);
        assertThat(FileDigest.sha256Hex(s3.body())).isEqualTo(published.release().primaryFile().sha256());
        assertThat(s3.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"hello_package-0.1.0.tar.gz\"");
    }

    @Test
    void metadataIsServedByRedirectAndInlineAsText() throws Exception {
        ReleaseFile wheel = file(PackageType.WHEEL);
        String path = "/dev/files/hello-package/0.1.0/" + wheel.filename() + ".metadata";

        LambdaFixture.Result redirected = get(path);
        assertThat(redirected.status()).isEqualTo(302);
        HttpResponse<byte[]> s3 = fixture.fetch(redirected.header("Location"));
        assertThat(FileDigest.sha256Hex(s3.body())).isEqualTo(wheel.metadataSha256());

        LambdaFixture.Result inline = LambdaFixture.invoke(streaming, HttpApiEvents.get(path));
        assertThat(inline.status()).isEqualTo(200);
        assertThat(inline.base64()).isFalse();
        assertThat(inline.body()).contains("Name: hello-package").contains("Version: 0.1.0");
        assertThat(FileDigest.sha256Hex(inline.bodyBytes())).isEqualTo(wheel.metadataSha256());
    }

    @Test
    void binaryBodiesRoundTripThroughBase64() {
        for (ReleaseFile f : published.release().files()) {
            LambdaFixture.Result r = LambdaFixture.invoke(streaming, HttpApiEvents.get("/dev/files/hello-package/0.1.0/" + f.filename()));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(r.base64()).isTrue();
            assertThat(FileDigest.sha256Hex(r.bodyBytes())).isEqualTo(f.sha256());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/dev/simple/%2e%2e/",             // '..' percent-encoded (a function URL passes it on encoded)
        "/dev/simple/../",                 // '..' as API Gateway hands it over after decoding
        "/dev/simple/hello-package/./",
        "/dev/files/hello-package%2F0.1.0/x.whl", // encoded slash
        "/dev/files/hello-package/0.1.0/a%5cb.whl", // encoded backslash
        "/dev/simple/%zz/",                // invalid percent-encoding
        "/dev/simple/hello-package%",      // truncated percent-encoding
        "/dev/simple/%c3%28/",             // not UTF-8
        "/dev/simple/%00/",                // NUL
    })
    void badPathsAre400(String rawPath) {
        LambdaFixture.Result r = get(rawPath);
        assertThat(r.status()).as(rawPath).isEqualTo(400);
        assertThat(r.body()).startsWith("Bad request: ");
    }

    @Test
    void percentEncodedLettersAreDecoded() {
        assertThat(get("/dev/simple/hello%2Dpackage/").status()).isEqualTo(200);
    }

    @Test
    void headRequestsGetHeadersOnly() {
        LambdaFixture.Result r = LambdaFixture.invoke(streaming, HttpApiEvents.request("HEAD", "/dev/simple/hello-package/"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.json().path("body").asText()).isEmpty();
    }

    @Test
    void otherMethodsAre405() {
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.request("POST", "/dev/simple/"));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void payloadFormat1IsAnswered500AndLogged() {
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/simple/").version("1.0"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("Misconfigured integration");
        assertThat(LambdaFixture.invoke(lambda, "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)).status()).isEqualTo(500);
    }

    @Test
    void handlerConfiguredFromEnvironmentVariablesRedirectsDownloads() throws Exception {
        Map<String, String> env = fixture.lambdaEnvironment();
        env.put("PYPUB_PRESIGN_SECONDS", "60");
        env.put("PYPUB_NO_AUTH", "true"); // keys in Lambda: LambdaAccessTest
        // The default chain, as in Lambda; here its first link (system properties) holds the local servers' dummy keys.
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
        try {
            IndexLambdaHandler handler = new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(env));
            assertThat(LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/simple/hello-package/")).status()).isEqualTo(200);
            ReleaseFile sdist = published.release().primaryFile();
            LambdaFixture.Result r = LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/files/hello-package/0.1.0/" + sdist.filename()));
            assertThat(r.status()).isEqualTo(302);
            // The configured 60 s, plus the 12 s (a fifth) for which the same link is handed out again (CachedPresigner).
            assertThat(r.header("Location")).contains("X-Amz-Expires=72");
            assertThat(FileDigest.sha256Hex(fixture.fetch(r.header("Location")).body())).isEqualTo(sdist.sha256());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
