package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.http.IndexServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One sign-in for people: an API key or a docs user's password becomes a signed, expiring session
 * cookie that never holds the key, is re-checked against the key or user record on every request,
 * and is set only by a same-origin form post. Tools keep Basic and Bearer.
 */
class SignInTest {
    private static final String ALICE = "correct horse battery";
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void publish() throws Exception {
        index = new AccessFixture();
        index.startServer(); // a second instance: sessions are stateless
        index.publish("hello-package", "dev");
        Path dir = TestEnvironment.tempDir("signin");
        TinyWheels.write(dir, "other", "1.0");
        assertThat(index.cli(null, "import", "--stage", "prod", dir.toString()).exitCode()).isZero();
        key = index.createKey("--client", "person", "--stages", "dev");
        assertThat(index.cli(ALICE + "\n", "users", "add", "alice", "--stages", "dev", "--password-stdin").exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    static HttpResponse<byte[]> post(IndexServer server, String path, String origin, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.localUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return index.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String origin(IndexServer server) {
        return "http://" + server.localUrl().getAuthority();
    }

    /** Signs in and returns the cookie pair ({@code pypub_session=...}). */
    static String signIn(String user, String secret) throws Exception {
        HttpResponse<byte[]> r = post(index.server(), "/-/signin", origin(index.server()), Map.of("user", user, "secret", secret,
                "next", "/dev/"));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(303);
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aKeySignInSetsASignedCookieWithoutTheKeyThatOpensPagesFilesAndDocsOnEveryInstance() throws Exception {
        HttpResponse<byte[]> r = post(index.server(), "/-/signin", origin(index.server()),
                Map.of("user", "", "secret", key, "next", "/dev/-/project/hello-package/"));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/dev/-/project/hello-package/");
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("pypub_session=v1.").contains("; Path=/").contains("; HttpOnly").contains("; SameSite=Lax")
                .contains("; Max-Age=3600").doesNotContain("Secure"); // plain HTTP here; see theCookieIsSecureOverTls
        String cookie = setCookie.split(";")[0];
        String secret = key.substring(key.lastIndexOf('_') + 1);
        String payload = new String(Base64.getUrlDecoder().decode(cookie.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(cookie).doesNotContain(secret);
        assertThat(payload).doesNotContain(secret).contains(AccessFixture.keyId(key));

        for (IndexServer s : index.servers) {
            for (String path : List.of("/dev/", "/dev/-/project/hello-package/", "/dev/-/project/hello-package/0.1.0/",
                    "/dev/simple/hello-package/", "/dev/docs/hello-package/latest/", "/dev/hello-package/latest",
                    "/dev/pypi/hello-package/json")) {
                assertThat(index.get(s, path, "Cookie", cookie).statusCode()).as(path).isEqualTo(200);
            }
            assertThat(index.get(s, "/prod/", "Cookie", cookie).statusCode()).isEqualTo(403); // the key's stages only
        }
        String page = text(index.get("/dev/", "Cookie", cookie));
        assertThat(page).contains("Signed in as key " + AccessFixture.keyId(key) + " (person)").contains("id=\"signout\"");
        // The audit line of the sign-in names the key, as any request with it would.
        assertThat(index.logs.all()).contains("\"path\":\"/-/signin\"");
    }

    @Test
    void aDocsUserSignInOpensPagesAndDocsOfItsStagesButNotFiles() throws Exception {
        String cookie = signIn("alice", ALICE);
        assertThat(index.get("/dev/", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(index.get("/dev/-/project/hello-package/", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(index.get("/dev/docs/hello-package/latest/", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(index.get("/dev/simple/", "Cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(index.get("/dev/hello-package/latest", "Cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(index.get("/prod/", "Cookie", cookie).statusCode()).isEqualTo(403);
    }

    @Test
    void onlyASameOriginPostSignsIn() throws Exception {
        Map<String, String> form = Map.of("user", "", "secret", key);
        for (String origin : new String[] {"https://evil.example", "null", null}) {
            HttpResponse<byte[]> r = post(index.server(), "/-/signin", origin, form);
            assertThat(r.statusCode()).as(String.valueOf(origin)).isEqualTo(403);
            assertThat(r.headers().allValues("Set-Cookie")).allMatch(c -> c.startsWith("pypub_session=;")); // none, or cleared
        }
        HttpRequest crossSite = HttpRequest.newBuilder(URI.create(index.url("/-/signin")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin(index.server()))
                .header("Sec-Fetch-Site", "cross-site").POST(HttpRequest.BodyPublishers.ofString("secret=" + key)).build();
        assertThat(index.http.send(crossSite, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(403);
        // The sign-out form is checked the same way.
        assertThat(post(index.server(), "/-/signout", "https://evil.example", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void aWrongKeyOrPasswordShowsTheFormAgainWithTheReasonAndNoCookie() throws Exception {
        HttpResponse<byte[]> r = post(index.server(), "/-/signin", origin(index.server()),
                Map.of("user", "", "secret", "pypub_aaaaaaaaaa_" + "b".repeat(52)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("pypub_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(text(r)).contains("unknown key").contains("<form method=\"post\" action=\"signin\">");
        HttpResponse<byte[]> bad = post(index.server(), "/-/signin", origin(index.server()),
                Map.of("user", "alice", "secret", "not her password"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(text(bad)).contains("wrong user name or password");
    }

    @Test
    void aRevokedKeysSessionEndsWithinTheKeyCacheInterval() throws Exception {
        String leaver = index.createKey("--client", "leaver", "--stages", "dev");
        String cookie = signIn("", leaver);
        assertThat(index.get("/dev/", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(index.cli(null, "keys", "revoke", AccessFixture.keyId(leaver)).exitCode()).isZero();
        long revokedAt = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - revokedAt < Duration.ofSeconds(5).toNanos()) {
            status = index.get("/dev/-/project/hello-package/", "Cookie", cookie).statusCode();
            Thread.sleep(50);
        }
        assertThat(status).isEqualTo(401);
        assertThat((System.nanoTime() - revokedAt) / 1_000_000).isLessThanOrEqualTo(AccessFixture.CACHE_TTL.toMillis() + 2_500);
    }

    @Test
    void aRotatedKeyOrAChangedPasswordEndsTheSession() throws Exception {
        String rotating = index.createKey("--client", "rotating", "--stages", "dev");
        String cookie = signIn("", rotating);
        assertThat(index.get("/dev/", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(index.cli(null, "keys", "rotate", AccessFixture.keyId(rotating)).exitCode()).isZero();
        Thread.sleep(AccessFixture.CACHE_TTL.toMillis() + 200);
        assertThat(index.get("/dev/", "Cookie", cookie).statusCode()).isEqualTo(401);

        assertThat(index.cli("another long password\n", "users", "add", "bob", "--stages", "dev", "--password-stdin").exitCode())
                .isZero();
        String bobs = signIn("bob", "another long password");
        assertThat(index.get("/dev/", "Cookie", bobs).statusCode()).isEqualTo(200);
        assertThat(index.cli("a brand new password\n", "users", "passwd", "bob", "--password-stdin").exitCode()).isZero();
        Thread.sleep(AccessFixture.CACHE_TTL.toMillis() + 200);
        assertThat(index.get("/dev/", "Cookie", bobs).statusCode()).isEqualTo(401);
    }

    @Test
    void forgedTamperedAndExpiredTokensAreRefused() throws Exception {
        String cookie = signIn("", key);
        String token = cookie.substring("pypub_session=".length());
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String tampered = "v1." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replaceFirst("\\d+$", "9999999999").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        SessionTokens foreign = new SessionTokens(new byte[32], Duration.ofHours(1), Clock.systemUTC());
        SessionTokens expired = new SessionTokens(new byte[32], Duration.ofHours(1),
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
        String foreignToken = foreign.issue(true, AccessFixture.keyId(key), "whatever");
        assertThat(foreign.verify(expired.issue(true, "k", "h"))).isEmpty(); // issued two hours ago for one hour
        assertThat(foreign.verify(foreign.issue(true, "k", "h"))).isPresent();
        for (String bad : List.of(tampered, foreignToken, "v1.x.y", "garbage")) {
            HttpResponse<byte[]> r = index.get("/dev/-/project/hello-package/", "Cookie", "pypub_session=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(401);
            HttpResponse<byte[]> browser = index.get("/dev/-/project/hello-package/", "Cookie", "pypub_session=" + bad,
                    "Accept", "text/html");
            assertThat(browser.statusCode()).isEqualTo(303);
        }
    }

    @Test
    void browsersWithoutCredentialsGoToSignInWhileToolsGetABasicChallenge() throws Exception {
        HttpResponse<byte[]> page = index.get("/dev/-/project/hello-package/", "Accept", "text/html,application/xhtml+xml");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/-/signin?next=%2Fdev%2F-%2Fproject%2Fhello-package%2F");
        HttpResponse<byte[]> docs = index.get("/dev/docs/hello-package/latest/", "Accept", "text/html");
        assertThat(docs.statusCode()).isEqualTo(303);
        // pip asks for simple pages with text/html too: it gets the challenge it answers from netrc or keyring.
        HttpResponse<byte[]> simple = index.get("/dev/simple/", "Accept", "text/html");
        assertThat(simple.statusCode()).isEqualTo(401);
        assertThat(simple.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(index.get("/dev/docs/hello-package/latest/").headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(index.get("/dev/docs/hello-package/latest/", "Authorization", AccessFixture.basic("alice", ALICE)).statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> form = index.get("/-/signin?next=/dev/");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(text(form)).contains("name=\"next\" value=\"/dev/\"");
    }

    @Test
    void nextNeverLeadsToAnotherHost() throws Exception {
        for (String next : List.of("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)")) {
            HttpResponse<byte[]> r = post(index.server(), "/-/signin", origin(index.server()),
                    Map.of("user", "", "secret", key, "next", next));
            assertThat(r.statusCode()).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(next).hasValue("/dev/");
        }
    }

    @Test
    void signOutClearsTheCookie() throws Exception {
        HttpResponse<byte[]> r = post(index.server(), "/-/signout", origin(index.server()), Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("pypub_session=;").contains("Max-Age=0")
                .contains("HttpOnly");
    }

    @Test
    void theCookieIsSecureOverTlsOrBehindATrustedProxySayingHttps() {
        RequestGuard guard = new RequestGuard(AccessGate.disabled(), new TrustedProxies(List.of("10.0.0.1")));
        IndexRequest direct = new IndexRequest("POST", "/-/signin", Map.of(), Map.of(), "10.0.0.9", true, new byte[0]);
        IndexRequest proxied = new IndexRequest("POST", "/-/signin", Map.of(), Map.of("X-Forwarded-Proto", "https"), "10.0.0.1");
        IndexRequest spoofed = new IndexRequest("POST", "/-/signin", Map.of(), Map.of("X-Forwarded-Proto", "https"), "10.0.0.9");
        assertThat(guard.overTls(direct)).isTrue();
        assertThat(guard.overTls(proxied)).isTrue();
        assertThat(guard.overTls(spoofed)).isFalse();
        SessionTokens tokens = new SessionTokens(new byte[32], SessionTokens.DEFAULT_TTL, Clock.systemUTC());
        assertThat(tokens.cookie("t", true)).endsWith("; Secure");
        assertThat(tokens.cookie("t", false)).doesNotContain("Secure");
    }
}
