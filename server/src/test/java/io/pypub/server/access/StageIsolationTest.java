package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A key reads only its stages and projects, in each of the three ways a key can be presented. */
class StageIsolationTest {
    private static AccessFixture index;
    private static String prodKey;

    @BeforeAll
    static void publishToDevAndProd() {
        index = new AccessFixture();
        index.publish("hello-package", "dev");
        index.publish("hello-package", "prod");
        prodKey = index.createKey("--client", "acme", "--stages", "prod");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aProdKeyInstallsFromProdWithPipAndGets403OnDev() {
        PythonEnvironment venv = index.env.freshClientVenv();
        AccessFixture.Run install = index.pip(venv, "install", "--index-url",
                AccessFixture.withKey(index.server(), prodKey, "/prod/simple/"), "hello-package");
        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(install.output()).contains("Successfully installed hello-package-0.1.0");
        assertThat(TestEnvironment.run(List.of(venv.python().toString(), "-c", "import hello_package; print(hello_package.greet('prod'))")))
                .contains("Hello, prod!");

        AccessFixture.Run dev = index.pip(venv, "download", "-vv", "--no-deps", "-d",
                venv.python().getParent().resolve("dl").toString(), "--index-url",
                AccessFixture.withKey(index.server(), prodKey, "/dev/simple/"), "hello-package");
        assertThat(dev.exitCode()).isNotZero();
        assertThat(dev.output()).contains("403 Client Error: Forbidden");

        List<JsonNode> audit = index.logs.audit();
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(prodKey));
            assertThat(a.path("client").asText()).isEqualTo("acme");
            assertThat(a.path("download").asBoolean()).isTrue();
            assertThat(a.path("stage").asText()).isEqualTo("prod");
            assertThat(a.path("file").asText()).endsWith(".whl");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.path("status").asInt()).isEqualTo(403);
            assertThat(a.path("stage").asText()).isEqualTo("dev");
            assertThat(a.path("reason").asText()).isEqualTo("stage not granted");
        });
    }

    @Test
    void keysAreAcceptedAsBasicPasswordBearerTokenOrQueryParameter() throws Exception {
        assertThat(index.get("/prod/simple/hello-package/", "Authorization", AccessFixture.basic("__token__", prodKey)).statusCode())
                .isEqualTo(200);
        assertThat(index.get("/prod/simple/hello-package/", "Authorization", AccessFixture.basic("anyone", prodKey)).statusCode())
                .isEqualTo(200);
        assertThat(index.get("/prod/simple/hello-package/", "Authorization", "Bearer " + prodKey).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> viaQuery = index.get("/prod/simple/hello-package/?key=" + prodKey);
        assertThat(viaQuery.statusCode()).isEqualTo(200);
        // Links carry the key onward only when it came in the query string.
        assertThat(body(viaQuery)).contains(".whl?key=" + prodKey + "#sha256=");
        assertThat(body(index.get("/prod/simple/hello-package/", "Authorization", "Bearer " + prodKey))).doesNotContain("key=");
        HttpResponse<byte[]> list = index.get("/prod/simple/?key=" + prodKey);
        assertThat(body(list)).contains("href=\"hello-package/?key=" + prodKey + "\"");
        // The old direct URL with ?key= works as before.
        HttpResponse<byte[]> direct = index.get("/prod/hello-package/latest?key=" + prodKey);
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"hello_package-0.1.0.tar.gz\"");
        assertThat(direct.headers().firstValue("Cache-Control").orElse("")).startsWith("private");
    }

    @Test
    void missingOrWrongKeysGet401WithABasicChallengeAndWrongStages403() throws Exception {
        HttpResponse<byte[]> none = index.get("/prod/simple/hello-package/");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"pypub\""));
        assertThat(body(none)).isEqualTo("Unauthorized: an API key is required\n");

        String forged = prodKey.substring(0, prodKey.length() - 4) + "aaaa";
        HttpResponse<byte[]> wrong = index.get("/prod/simple/hello-package/", "Authorization", "Bearer " + forged);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(body(wrong)).isEqualTo("Unauthorized: unknown key\n");

        HttpResponse<byte[]> dev = index.get("/dev/simple/hello-package/", "Authorization", "Bearer " + prodKey);
        assertThat(dev.statusCode()).isEqualTo(403);
        assertThat(body(dev)).isEqualTo("Forbidden: this key is not valid for stage 'dev'\n");
        assertThat(index.get("/dev/files/hello-package/0.1.0/hello_package-0.1.0.tar.gz", "Authorization", "Bearer " + prodKey)
                .statusCode()).isEqualTo(403);
        assertThat(index.get("/dev/hello-package/latest?key=" + prodKey).statusCode()).isEqualTo(403);
        // Keys do not open the docs: those need a docs user.
        assertThat(index.get("/prod/docs/hello-package/latest/", "Authorization", "Bearer " + prodKey).statusCode()).isEqualTo(401);
    }

    @Test
    void aKeyLimitedToProjectsSeesOnlyThose() throws Exception {
        String limited = index.createKey("--client", "limited", "--stages", "prod,dev", "--projects", "other-project");
        String auth = "Bearer " + limited;
        assertThat(index.get("/prod/simple/hello-package/", "Authorization", auth).statusCode()).isEqualTo(403);
        assertThat(index.get("/prod/hello-package/latest", "Authorization", auth).statusCode()).isEqualTo(403);
        HttpResponse<byte[]> list = index.get("/prod/simple/", "Authorization", auth);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(body(list)).doesNotContain("hello-package");
        assertThat(body(index.get("/prod/", "Authorization", auth))).doesNotContain("hello-package");
        // Non-normalized names are checked after normalization.
        assertThat(index.get("/prod/simple/Hello_Package/", "Authorization", auth).statusCode()).isEqualTo(403);
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        // The CLI refuses an expiry in the past (CliErrorsTest), so the expired key is made through core.
        var deployment = index.deployment;
        String expired = new io.pypub.core.access.ApiKeys(new io.pypub.core.access.ApiKeyTable(deployment.clients().dynamo(),
                deployment.settings().accessTable()), java.time.Clock.systemUTC())
                .create(new io.pypub.core.access.KeyPolicy("late", java.util.Set.of("prod"), java.util.Set.of(), 10, 100, null, null,
                        java.time.Instant.parse("2020-02-01T00:00:00Z")), "test").token().reveal();
        HttpResponse<byte[]> r = index.get("/prod/simple/", "Authorization", "Bearer " + expired);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(body(r)).isEqualTo("Unauthorized: key expired\n");
    }

    @Test
    void healthAndMetricsStayOpenAndEveryResponseHasSecurityHeaders() throws Exception {
        HttpResponse<byte[]> health = index.get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(index.get("/metrics").statusCode()).isEqualTo(200);
        for (HttpResponse<byte[]> r : List.of(health, index.get("/prod/simple/"), index.get("/prod/simple/", "Authorization", "Bearer " + prodKey))) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
        }
        assertThat(index.get("/prod/simple/", "Authorization", "Bearer " + prodKey).headers().firstValue("Cache-Control"))
                .hasValue("private, max-age=0, must-revalidate");
    }
}
