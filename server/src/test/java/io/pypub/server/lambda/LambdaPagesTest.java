package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import io.pypub.server.access.AccessSettings;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages for people, sign-in and the JSON API through the Lambda handler, which shares IndexService. */
class LambdaPagesTest {
    private static LambdaFixture fixture;
    private static IndexLambdaHandler lambda;
    private static String key;

    @BeforeAll
    static void publish() {
        fixture = new LambdaFixture();
        fixture.publish(fixture.env.copyOfExample("hello-package"), "dev");
        var clients = fixture.deployment.clients();
        lambda = new IndexLambdaHandler(new IndexService(clients, IndexSettings.defaults(),
                RequestGuard.forDeployment(clients, AccessSettings.enforcing())));
        key = new ApiKeys(new ApiKeyTable(clients.dynamo(), clients.settings().accessTable()), Clock.systemUTC())
                .create(new KeyPolicy("lambda", Set.of("dev"), Set.of(), 0, 0, null, null, null), "test").token().reveal();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static String signIn(boolean base64) {
        String form = "user=&secret=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&next=%2Fdev%2F";
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.request("POST", "/-/signin")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com").body(form, base64));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/dev/");
        // API Gateway is HTTPS only: the cookie is Secure; it travels in the response's cookies list.
        String cookie = r.json().path("cookies").get(0).asText();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("; Secure");
        return cookie.split(";")[0];
    }

    @Test
    void aClientThatAcceptsGzipGetsTheGzipPageBase64EncodedAndItsOwn304() throws Exception {
        String auth = "Bearer " + key;
        LambdaFixture.Result plain = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/").header("authorization", auth)
                .without("accept-encoding"));
        LambdaFixture.Result gz = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/").header("authorization", auth)
                .without("accept-encoding").header("accept-encoding", "gzip, deflate, br"));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(gz.status()).isEqualTo(200);
        assertThat(plain.base64()).isFalse(); // text stays text
        assertThat(plain.header("Content-Encoding")).isNull();
        // Compressed bytes cannot travel as a JSON string: base64, flagged, and API Gateway sends them on decoded.
        assertThat(gz.base64()).isTrue();
        assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gz.header("Vary")).contains("Accept-Encoding");
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.sentBytes()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.sentBytes());
        }
        assertThat(gz.sentBytes().length).isLessThan(plain.sentBytes().length);
        String gzTag = gz.header("ETag");
        assertThat(gzTag).endsWith("-gz\"").isNotEqualTo(plain.header("ETag"));
        LambdaFixture.Result again = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/").header("authorization", auth)
                .without("accept-encoding").header("accept-encoding", "gzip").header("if-none-match", gzTag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.header("ETag")).isEqualTo(gzTag);
    }

    @Test
    void signInWithAFormPostSetsASecureCookieThatOpensTheStageProjectAndVersionPages() {
        for (boolean base64 : new boolean[] {false, true}) {
            String cookie = signIn(base64);
            for (String path : new String[] {"/dev/", "/dev/-/project/hello-package/", "/dev/-/project/hello-package/0.1.0/"}) {
                LambdaFixture.Result page = LambdaFixture.invoke(lambda, HttpApiEvents.get(path).cookies(cookie));
                assertThat(page.status()).as(path).isEqualTo(200);
                assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
                assertThat(page.header("ETag")).isNotNull();
                assertThat(page.body()).contains("hello-package").contains("Signed in as key");
            }
        }
    }

    @Test
    void browsersWithoutASessionAreSentToSignInAndTheJsonApiTakesTheKey() {
        LambdaFixture.Result r = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/-/project/hello-package/")
                .header("accept", "text/html"));
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).startsWith("/-/signin?next=");
        LambdaFixture.Result json = LambdaFixture.invoke(lambda, HttpApiEvents.get("/dev/pypi/hello-package/json")
                .header("authorization", "Bearer " + key));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body()).contains("\"info\"").contains("\"releases\"").contains("\"0.1.0\"");
        LambdaFixture.Result crossSite = LambdaFixture.invoke(lambda, HttpApiEvents.request("POST", "/-/signin")
                .header("origin", "https://evil.example").body("secret=" + key, false));
        assertThat(crossSite.status()).isEqualTo(403);
    }
}
