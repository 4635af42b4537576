package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 14: one safe index URL. Stages take the projects they do not have from an upstream on loopback
 * (a static PEP 503 tree with an access log, and a second pypub serving PEP 691 JSON), while private
 * names always win, whole project at a time. Real pip and uv throughout.
 *
 * <p>Stages of the index under test: {@code dev} (cache mode, private pattern {@code corp-*}, reserved
 * {@code internal-tool}), {@code rdr} (redirect mode), {@code j} (the JSON upstream), {@code auth} (an
 * upstream that needs a login, given in its URL).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamInstallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MIRROR_PASSWORD = "S3cret-Mirror-PW";
    private static AccessFixture fx;
    private static LoopbackUpstream up;
    private static LoopbackUpstream authUp;
    private static IndexServer jsonUpstream;
    private static IndexServer server;
    private static String key;
    private static Path publicDir;

    @BeforeAll
    static void start() throws Exception {
        fx = new AccessFixture();
        up = new LoopbackUpstream().start();
        authUp = new LoopbackUpstream().start();
        authUp.requiredAuthorization = AccessFixture.basic("mirror-user", MIRROR_PASSWORD);

        Path priv = TestEnvironment.tempDir("private");
        TinyWheels.write(priv, "acme-utils", "1.0", List.of("public-dep"));
        TinySdists.write(priv, "needs-setuptools", "1.0");
        assertThat(fx.cli(null, "import", priv.toString(), "--stage", "dev").exitCode()).isZero();

        publicDir = TestEnvironment.tempDir("public");
        up.add("public-dep", TinyWheels.write(publicDir, "public-dep", "2.0", List.of("public-leaf")));
        up.add("public-leaf", TinyWheels.write(publicDir, "public-leaf", "1.0"));
        up.add("acme-utils", TinyWheels.write(publicDir, "acme-utils", "99.0")); // planted: a higher version of a private name
        up.add("corp-secret", TinyWheels.write(publicDir, "corp-secret", "1.0")); // matches dev's private pattern corp-*
        up.add("internal-tool", TinyWheels.write(publicDir, "internal-tool", "1.0")); // reserved below
        up.add("changing-lib", TinyWheels.write(publicDir, "changing-lib", "1.0"));
        up.add("tampered-lib", TinyWheels.write(publicDir, "tampered-lib", "1.0"));
        up.add("late-lib", TinyWheels.write(publicDir, "late-lib", "1.0"));
        up.add("hello-package", TinyWheels.write(publicDir, "hello-package", "7.0")); // for the publish-time check
        for (Path wheel : buildTools()) {
            up.add(wheel.getFileName().toString().split("-")[0], wheel.getFileName().toString(), Files.readAllBytes(wheel), ">=3.9");
        }
        authUp.add("mirror-lib", TinyWheels.write(TestEnvironment.tempDir("mirror"), "mirror-lib", "1.0"));

        // A second pypub serving stage 'public' without keys: the PEP 691 JSON upstream of stage 'j'.
        Path jsonDir = TestEnvironment.tempDir("json-public");
        TinyWheels.write(jsonDir, "json-lib", "2.0");
        TinyWheels.write(jsonDir, "json-lib", "3.0");
        assertThat(fx.cli(null, "import", jsonDir.toString(), "--stage", "public").exitCode()).isZero();
        assertThat(fx.cli(null, "yank", "json-lib", "2.0", "--stage", "public", "--reason", "bad build").exitCode()).isZero();
        jsonUpstream = new IndexServer(new IndexService(fx.deployment.clients(), IndexSettings.defaults()), "127.0.0.1", 0).start();
        fx.servers.add(jsonUpstream);

        assertThat(fx.cli(null, "names", "reserve", "internal-tool", "--stage", "dev").exitCode()).isZero();
        key = fx.createKey("--client", "upstream-user", "--stages", "dev,rdr,j,auth", "--daily", "100000");

        String mirror = up.simpleUrl().replace("/simple/", "/simple/");
        UpstreamSettings settings = UpstreamSettings.parse(
                List.of("dev=" + up.simpleUrl(), "rdr=" + up.simpleUrl(), "j=" + jsonUpstream.localUrl() + "/public/simple/",
                        "auth=" + authUp.simpleUrl().replace("http://", "http://mirror-user:" + MIRROR_PASSWORD + "@")),
                List.of("cache", "rdr=redirect"), List.of("dev=corp-*"), 1, 2);
        assertThat(mirror).isNotEmpty();
        RequestGuard guard = RequestGuard.forDeployment(fx.deployment.clients(), fx.settings);
        server = new IndexServer(new IndexService(fx.deployment.clients(), IndexSettings.defaults(), guard, settings), "127.0.0.1", 0).start();
        fx.servers.add(server);
    }

    /** setuptools (and wheel) wheels from PyPI, downloaded once into target/ and then served from the loopback upstream. */
    private static List<Path> buildTools() throws Exception {
        Path dir = TestEnvironment.repoRoot().resolve("target/upstream-test-wheels");
        Files.createDirectories(dir);
        try (var s = Files.list(dir)) {
            List<Path> have = s.filter(p -> p.toString().endsWith(".whl")).toList();
            if (have.size() >= 2) {
                return have;
            }
        }
        TestEnvironment.run(List.of(TestEnvironment.pythonEnvironment().python().toString(), "-m", "pip", "download",
                "--disable-pip-version-check", "--only-binary=:all:", "--no-deps", "-d", dir.toString(), "setuptools", "wheel"));
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".whl")).toList();
        }
    }

    @AfterAll
    static void stop() {
        if (up != null) {
            up.close();
        }
        if (authUp != null) {
            authUp.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private static String simple(String stage) {
        return AccessFixture.withKey(server, key, "/" + stage + "/simple/");
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + key));
        all.addAll(List.of(headers));
        return fx.get(server, path, all.toArray(String[]::new));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static AccessFixture.Run uv(String stage, Path target, String... projects) {
        List<String> cmd = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "pip", "install", "--no-cache",
                "--python", TestEnvironment.pythonEnvironment().python().toString(), "--target", target.toString(),
                "--index-url", simple(stage)));
        cmd.addAll(List.of(projects));
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(cmd, Path.of("").toAbsolutePath(), Map.of(), Duration.ofMinutes(2),
                line -> out.append(line).append('\n'));
        fx.outputs.append(out);
        return new AccessFixture.Run(r.exitCode(), out.toString());
    }

    @Test
    @Order(1)
    void pipResolvesThePrivateProjectPrivatelyAndItsPublicDependenciesThroughTheUpstream() throws Exception {
        PythonEnvironment venv = fx.env.freshClientVenv();
        AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("dev"), "acme-utils");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        // 1.0 is private; 99.0 is planted upstream and never seen: the whole project is private.
        assertThat(pip.output()).contains("Successfully installed acme-utils-1.0 public-dep-2.0 public-leaf-1.0");
        assertThat(up.requestsFor("acme-utils")).isEmpty();
        assertThat(up.requestsFor("public-dep")).isNotEmpty();

        List<JsonNode> audit = fx.logs.audit();
        JsonNode dep = audit.stream().filter(a -> "public_dep-2.0-py3-none-any.whl".equals(a.path("file").asText())
                && a.path("download").asBoolean()).findFirst().orElseThrow();
        assertThat(dep.path("source").asText()).isEqualTo("upstream");
        assertThat(dep.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
        assertThat(dep.path("project").asText()).isEqualTo("public-dep");
        JsonNode own = audit.stream().filter(a -> "acme_utils-1.0-py3-none-any.whl".equals(a.path("file").asText())
                && a.path("download").asBoolean()).findFirst().orElseThrow();
        assertThat(own.has("source")).isFalse();
    }

    @Test
    @Order(2)
    void uvInstallsThePrivateVersionTooAndTheUpstreamIsNeverAskedAboutIt() throws Exception {
        Path target = TestEnvironment.tempDir("uv-upstream");
        AccessFixture.Run uv = uv("dev", target, "acme-utils");
        assertThat(uv.exitCode()).as(uv.output()).isZero();
        assertThat(Files.readString(target.resolve("acme_utils_mod/__init__.py"))).contains("VERSION = \"1.0\"");
        assertThat(Files.readString(target.resolve("public_leaf_mod/__init__.py"))).contains("VERSION = \"1.0\"");
        assertThat(up.requestsFor("acme-utils")).isEmpty();
    }

    @Test
    @Order(3)
    void namesMatchingAPrivatePatternOrReservedAreNeverLookedUpUpstream() throws Exception {
        PythonEnvironment venv = fx.env.freshClientVenv();
        for (String name : List.of("corp-secret", "internal-tool")) {
            AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("dev"), name);
            assertThat(pip.exitCode()).as(pip.output()).isNotZero();
            assertThat(pip.output()).contains("No matching distribution found for " + name);
            String file = name.replace('-', '_') + "-1.0-py3-none-any.whl";
            assertThat(get("/dev/simple/" + name + "/").statusCode()).isEqualTo(404);
            assertThat(get("/dev/upstream/" + name + "/" + file).statusCode()).isEqualTo(404);
            assertThat(get("/dev/upstream/" + name + "/" + file + ".metadata").statusCode()).isEqualTo(404);
        }
        Path target = TestEnvironment.tempDir("uv-private");
        assertThat(uv("dev", target, "corp-secret").exitCode()).isNotZero();
        assertThat(up.requestsFor("corp-secret")).isEmpty();
        assertThat(up.requestsFor("internal-tool")).isEmpty();
        // The reservation is in the version table: the CLI lists it.
        assertThat(fx.cli(null, "names", "list", "--stage", "dev").stdout()).contains("internal-tool");
    }

    @Test
    @Order(4)
    void anSdistWhoseBuildNeedsSetuptoolsInstallsWithOnlyOurUrl() throws Exception {
        PythonEnvironment venv = fx.env.freshClientVenv();
        AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("dev"), "needs-setuptools");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        assertThat(pip.output()).contains("Successfully installed needs-setuptools-1.0");
        assertThat(up.requestsFor("setuptools")).anyMatch(l -> l.startsWith("GET ") && l.endsWith(".whl"));
    }

    @Test
    @Order(5)
    void cacheModeKeepsServingTheFirstVerifiedBytesAfterTheUpstreamChangesOrDeletesTheFile() throws Exception {
        String file = "changing_lib-1.0-py3-none-any.whl";
        JsonNode page = JSON.readTree(get("/dev/simple/changing-lib/", "Accept", "application/vnd.pypi.simple.v1+json").body());
        String firstHash = page.path("files").get(0).path("hashes").path("sha256").asText();
        HttpResponse<byte[]> first = get("/dev/upstream/changing-lib/" + file);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(LoopbackUpstream.sha256(first.body())).isEqualTo(firstHash);

        byte[] other = Files.readAllBytes(TinyWheels.write(TestEnvironment.tempDir("changed"), "changing-lib", "1.0", List.of("public-leaf")));
        assertThat(LoopbackUpstream.sha256(other)).isNotEqualTo(firstHash);
        up.change("changing-lib", file, other);
        Thread.sleep(1200); // past the page TTL: the page is fetched again and now says the new hash
        JsonNode again = JSON.readTree(get("/dev/simple/changing-lib/", "Accept", "application/vnd.pypi.simple.v1+json").body());
        assertThat(again.path("files").get(0).path("hashes").path("sha256").asText()).isEqualTo(firstHash);
        assertThat(get("/dev/upstream/changing-lib/" + file).body()).isEqualTo(first.body());

        up.delete("changing-lib", file);
        Thread.sleep(1200);
        String html = text(get("/dev/simple/changing-lib/"));
        assertThat(html).contains(file + "#sha256=" + firstHash);
        assertThat(get("/dev/upstream/changing-lib/" + file).body()).isEqualTo(first.body());
        assertThat(up.requestsFor("changing-lib").stream().filter(l -> l.startsWith("GET ") && l.endsWith(file))).hasSize(1);

        PythonEnvironment venv = fx.env.freshClientVenv();
        AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("dev"), "changing-lib");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
    }

    @Test
    @Order(6)
    void aTamperedUpstreamFileIsRefusedAndNotKept() throws Exception {
        String file = "tampered_lib-1.0-py3-none-any.whl";
        assertThat(get("/dev/simple/tampered-lib/").statusCode()).isEqualTo(200);
        up.tamper("tampered-lib", file, Files.readAllBytes(TinyWheels.write(TestEnvironment.tempDir("evil"), "tampered-lib", "1.0",
                List.of("public-leaf"))));
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = get("/dev/upstream/tampered-lib/" + file);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(text(r)).contains("refused", "sha256");
        }
        assertThat(up.requestsFor("tampered-lib").stream().filter(l -> l.startsWith("GET ") && l.endsWith(file))).hasSize(2);
        PythonEnvironment venv = fx.env.freshClientVenv();
        AccessFixture.Run pip = fx.pip(venv, "install", "--retries", "0", "--index-url", simple("dev"), "tampered-lib");
        assertThat(pip.exitCode()).as(pip.output()).isNotZero();
        assertThat(fx.logs.all()).contains("Upstream integrity error");
    }

    @Test
    @Order(7)
    void redirectModeSendsTheClientToTheUpstreamFile() throws Exception {
        HttpResponse<byte[]> r = get("/rdr/upstream/public-leaf/public_leaf-1.0-py3-none-any.whl");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue(up.simpleUrl().replace("/simple/", "/files/")
                + "public-leaf/public_leaf-1.0-py3-none-any.whl");
        PythonEnvironment venv = fx.env.freshClientVenv();
        AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("rdr"), "public-dep");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        assertThat(pip.output()).contains("Successfully installed public-dep-2.0 public-leaf-1.0");
        JsonNode line = fx.logs.audit().stream().filter(a -> "rdr".equals(a.path("stage").asText()) && a.path("download").asBoolean())
                .findFirst().orElseThrow();
        assertThat(line.path("status").asInt()).isEqualTo(302);
        assertThat(line.path("source").asText()).isEqualTo("upstream");
    }

    @Test
    @Order(8)
    void aPep691JsonUpstreamKeepsYanksRequiresPythonAndMetadata() throws Exception {
        JsonNode theirs = JSON.readTree(fx.get(jsonUpstream, "/public/simple/json-lib/", "Accept", "application/vnd.pypi.simple.v1+json").body());
        JsonNode ours = JSON.readTree(get("/j/simple/json-lib/", "Accept", "application/vnd.pypi.simple.v1+json").body());
        assertThat(ours.path("files")).hasSize(2);
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        ours.path("files").forEach(f -> byName.put(f.path("filename").asText(), f));
        for (JsonNode f : theirs.path("files")) {
            JsonNode o = byName.get(f.path("filename").asText());
            assertThat(o.path("hashes")).isEqualTo(f.path("hashes"));
            assertThat(o.path("core-metadata")).isEqualTo(f.path("core-metadata"));
            assertThat(o.path("requires-python")).isEqualTo(f.path("requires-python"));
            assertThat(o.path("yanked")).isEqualTo(f.path("yanked"));
            assertThat(o.path("url").asText()).startsWith("../../upstream/json-lib/");
        }
        assertThat(byName.get("json_lib-2.0-py3-none-any.whl").path("yanked").asText()).isEqualTo("bad build");
        // The JSON upstream was asked for JSON (its audit line has the request; its answer was JSON, or hashes would differ).
        PythonEnvironment venv = fx.env.freshClientVenv();
        AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("j"), "json-lib");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        assertThat(pip.output()).contains("Successfully installed json-lib-3.0");
        Path target = TestEnvironment.tempDir("uv-json");
        assertThat(uv("j", target, "json-lib").exitCode()).isZero();
    }

    @Test
    @Order(9)
    void strictSimpleApiChecksPassOverUpstreamPages() throws Exception {
        Path conformance = Path.of(UpstreamInstallTest.class.getResource("/io/pypub/server/index/conformance/check_pages.py").toURI()).getParent();
        Path dir = TestEnvironment.tempDir("upstream-pages");
        List<Map<String, String>> manifest = new ArrayList<>();
        Map<String, String> accepts = new LinkedHashMap<>();
        accepts.put("html_default", null);
        accepts.put("html_legacy", "text/html");
        accepts.put("html_v1", "application/vnd.pypi.simple.v1+html");
        accepts.put("json_v1", "application/vnd.pypi.simple.v1+json");
        accepts.put("json_latest", "application/vnd.pypi.simple.latest+json");
        List<String[]> pages = List.of(new String[] {"dev", "public-dep"}, new String[] {"j", "json-lib"}, new String[] {"rdr", "public-leaf"});
        Map<String, String[]> fileToPage = new LinkedHashMap<>();
        for (String[] p : pages) {
            for (var a : accepts.entrySet()) {
                String path = "/" + p[0] + "/simple/" + p[1] + "/";
                HttpResponse<byte[]> r = a.getValue() == null ? get(path) : get(path, "Accept", a.getValue());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Pypub-Source")).hasValue("upstream");
                boolean json = a.getKey().startsWith("json");
                assertThat(r.headers().firstValue("Content-Type").orElseThrow()).contains(json ? "json" : "html");
                Path f = dir.resolve(p[0] + "-" + p[1] + "-" + a.getKey() + (json ? ".json" : ".html"));
                Files.write(f, r.body());
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("file", f.toString());
                entry.put("format", json ? "json" : "html");
                if (json) {
                    entry.put("schema", conformance.resolve("simple-project-detail.schema.json").toString());
                }
                manifest.add(entry);
                fileToPage.put(f.toString(), p);
            }
        }
        Path manifestFile = dir.resolve("manifest.json");
        JSON.writeValue(manifestFile.toFile(), manifest);
        String out = TestEnvironment.run(List.of(TestEnvironment.pythonEnvironment().python().toString(),
                conformance.resolve("check_pages.py").toString(), manifestFile.toString()));
        JsonNode report = JSON.readTree(out.substring(out.indexOf('{')));
        Pattern sha = Pattern.compile("#sha256=([0-9a-f]{64})$");
        for (var e : fileToPage.entrySet()) {
            JsonNode r = report.path(e.getKey());
            assertThat(r.path("errors")).as(e.getKey()).isEmpty();
            if (e.getKey().endsWith(".html")) {
                assertThat(r.path("metas").toString()).contains("pypi:repository-version");
                assertThat(r.path("anchors")).isNotEmpty();
                for (JsonNode a : r.path("anchors")) {
                    String href = a.path("attrs").path("href").asText();
                    Matcher m = sha.matcher(href);
                    assertThat(m.find()).as(href).isTrue();
                    URI url = URI.create(server.localUrl() + "/" + e.getValue()[0] + "/simple/" + e.getValue()[1] + "/")
                            .resolve(href.substring(0, href.indexOf('#')));
                    HttpResponse<byte[]> file = fx.http.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + key).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (e.getValue()[0].equals("rdr")) {
                        assertThat(file.statusCode()).isEqualTo(302);
                        continue;
                    }
                    assertThat(file.statusCode()).as(url.toString()).isEqualTo(200);
                    assertThat(LoopbackUpstream.sha256(file.body())).isEqualTo(m.group(1));
                    String meta = a.path("attrs").path("data-core-metadata").asText();
                    assertThat(meta).startsWith("sha256=");
                    assertThat(a.path("attrs").path("data-dist-info-metadata").asText()).isEqualTo(meta);
                    HttpResponse<byte[]> metadata = fx.http.send(HttpRequest.newBuilder(URI.create(url + ".metadata"))
                            .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(metadata.statusCode()).isEqualTo(200);
                    assertThat("sha256=" + LoopbackUpstream.sha256(metadata.body())).isEqualTo(meta);
                }
            }
        }
    }

    @Test
    @Order(10)
    void upstreamTrafficNeedsAKeyAndItsDownloadsCountAgainstQuotas() throws Exception {
        int before = up.accessLog.size();
        String file = "/dev/upstream/public-leaf/public_leaf-1.0-py3-none-any.whl";
        assertThat(fx.get(server, "/dev/simple/late-lib/").statusCode()).isEqualTo(401);
        assertThat(fx.get(server, "/dev/upstream/late-lib/late_lib-1.0-py3-none-any.whl").statusCode()).isEqualTo(401);
        assertThat(up.accessLog.size()).isEqualTo(before); // no open proxy: nothing reached the upstream
        String other = fx.createKey("--client", "stage-rdr-only", "--stages", "rdr");
        assertThat(fx.get(server, file, "Authorization", "Bearer " + other).statusCode()).isEqualTo(403);

        String limited = fx.createKey("--client", "one-download", "--stages", "dev", "--daily", "1");
        assertThat(fx.get(server, file, "Authorization", "Bearer " + limited).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> second = fx.get(server, file, "Authorization", "Bearer " + limited);
        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(fx.get(server, "/dev/simple/public-leaf/", "Authorization", "Bearer " + limited).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(11)
    void credentialsInTheUpstreamUrlAreSentToItButNeverShownOrLogged() throws Exception {
        HttpResponse<byte[]> page = get("/auth/simple/mirror-lib/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(text(page)).doesNotContain(MIRROR_PASSWORD).doesNotContain("mirror-user");
        assertThat(get("/auth/upstream/mirror-lib/mirror_lib-1.0-py3-none-any.whl").statusCode()).isEqualTo(200);
        authUp.requiredAuthorization = "Basic something-else"; // the mirror's password changed: an error, still no secret in it
        Thread.sleep(1200);
        get("/auth/simple/mirror-lib/");
        HttpResponse<byte[]> failing = get("/auth/simple/other-lib/");
        assertThat(failing.statusCode()).isEqualTo(502);
        assertThat(text(failing)).contains("answered 401").doesNotContain(MIRROR_PASSWORD);
        assertThat(fx.logs.all()).doesNotContain(MIRROR_PASSWORD);
        assertThat(fx.outputs.toString()).doesNotContain(MIRROR_PASSWORD);
    }

    @Test
    @Order(12)
    void publishingANameThatExistsUpstreamWarnsOrFailsWithFailOnPublicName() throws Exception {
        String python = fx.env.python().python().toString();
        String project = fx.env.copyOfExample("hello-package").toString();
        var failed = fx.cli(null, "publish", project, "--stage", "pubcheck", "--no-docs", "--no-isolation", "--python", python,
                "--upstream", "pubcheck=" + up.simpleUrl(), "--fail-on-public-name", "--no-slack");
        assertThat(failed.exitCode()).as(failed.stderr()).isNotZero();
        assertThat(failed.stderr()).contains("hello-package also exists on the upstream of stage 'pubcheck'", "Nothing was uploaded");
        assertThat(fx.cli(null, "publish", project, "--stage", "other", "--no-docs", "--no-isolation", "--python", python,
                "--upstream", "pubcheck=" + up.simpleUrl(), "--fail-on-public-name", "--no-slack").exitCode()).isZero();
        var warned = fx.cli(null, "publish", project, "--stage", "pubcheck", "--no-docs", "--no-isolation", "--python", python,
                "--upstream", "pubcheck=" + up.simpleUrl(), "--no-slack");
        assertThat(warned.exitCode()).as(warned.stderr()).isZero();
        assertThat(warned.stderr()).contains("dependency confusion risk", "--fail-on-public-name");

        // The same warning reaches the notifier, so Slack (and the Jenkins Slack bridge) show it.
        List<io.pypub.core.notify.PublishNotice> notices = new ArrayList<>();
        io.pypub.core.notify.Notifier keep = new io.pypub.core.notify.Notifier() {
            @Override
            public void published(io.pypub.core.notify.PublishNotice notice, io.pypub.core.progress.PublishLog log) {
                notices.add(notice);
            }

            @Override
            public void failed(io.pypub.core.notify.FailureNotice notice, io.pypub.core.progress.PublishLog log) {}
        };
        io.pypub.core.testing.RecordingLog log = new io.pypub.core.testing.RecordingLog();
        fx.deployment.pipeline(keep).checkPublicNames(UpstreamSettings.parse(List.of("slackcheck=" + up.simpleUrl()), List.of(),
                List.of(), 1, 2), false).publish(io.pypub.core.publish.PublishRequest.builder(Path.of(project),
                io.pypub.core.release.Stage.of("slackcheck")).python(python).buildIsolation(false).docs(false).publishedBy("test").build(), log);
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).warnings()).singleElement().asString().contains("hello-package also exists on the upstream");
        var slack = new io.pypub.core.notify.slack.SlackMessageFormatter().published(notices.get(0));
        assertThat(slack.color()).isEqualTo("warning");
        assertThat(slack.attachment().toString()).contains("dependency confusion risk");
    }

    @Test
    @Order(13)
    void metricsCountHitsMissesUpstreamLatencyAndErrors() throws Exception {
        get("/dev/simple/public-leaf/");
        get("/dev/upstream/public-leaf/public_leaf-1.0-py3-none-any.whl");
        String metrics = text(fx.get(server, "/metrics"));
        assertThat(metrics).contains("pypub_upstream_pages_total{result=\"miss\"}", "pypub_upstream_pages_total{result=\"hit\"}",
                "pypub_upstream_files_total{result=\"miss\"}", "pypub_upstream_files_total{result=\"hit\"}",
                "pypub_upstream_files_total{result=\"refused\"}", "pypub_upstream_fetch_seconds_count{kind=\"page\"}",
                "pypub_upstream_fetch_seconds_count{kind=\"file\"}", "pypub_upstream_errors_total{kind=\"file\"}",
                "route=\"upstream_file\"", "route=\"upstream_metadata\"");
    }

    /**
     * The benchmark row of issue 14: an upstream project page served from the page cache against a private
     * project page, same server, same run, interleaved (so load from other work on the machine hits both).
     */
    @Test
    @Order(14)
    void anUpstreamPageFromTheCacheCostsAboutAsMuchAsAPrivatePage() throws Exception {
        String upstreamPage = "/dev/simple/public-dep/";
        String privatePage = "/dev/simple/acme-utils/";
        // Long enough a TTL for the whole measurement: a server of its own with the same stage settings.
        UpstreamSettings settings = UpstreamSettings.parse(List.of("dev=" + up.simpleUrl()), List.of("cache"), List.of("dev=corp-*"), 600, 2);
        IndexServer bench = new IndexServer(new IndexService(fx.deployment.clients(), IndexSettings.defaults(),
                RequestGuard.forDeployment(fx.deployment.clients(), fx.settings), settings), "127.0.0.1", 0).start();
        fx.servers.add(bench);
        String fast = fx.createKey("--client", "bench", "--stages", "dev", "--rate", "100000/s", "--burst", "100000");
        int rounds = 1500;
        long[] ups = new long[rounds];
        long[] privs = new long[rounds];
        for (int i = -200; i < rounds; i++) { // 200 warm-up rounds
            long t0 = System.nanoTime();
            HttpResponse<byte[]> a = fx.get(bench, upstreamPage, "Authorization", "Bearer " + fast);
            long t1 = System.nanoTime();
            HttpResponse<byte[]> b = fx.get(bench, privatePage, "Authorization", "Bearer " + fast);
            long t2 = System.nanoTime();
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(b.statusCode()).isEqualTo(200);
            if (i >= 0) {
                ups[i] = t1 - t0;
                privs[i] = t2 - t1;
            }
        }
        java.util.Arrays.sort(ups);
        java.util.Arrays.sort(privs);
        double upMedian = ups[rounds / 2] / 1e6;
        double privMedian = privs[rounds / 2] / 1e6;
        double upP90 = ups[rounds * 9 / 10] / 1e6;
        double privP90 = privs[rounds * 9 / 10] / 1e6;
        System.out.printf("| upstream page from cache vs private page (%d sequential requests each, keyed) | median %.3f ms vs %.3f ms "
                + "(ratio %.2f) | p90 %.3f ms vs %.3f ms |%n", rounds, upMedian, privMedian, upMedian / privMedian, upP90, privP90);
        assertThat(upMedian / privMedian).as("median ratio upstream/private").isLessThan(1.5);
    }

    @Test
    @Order(20)
    void whenTheUpstreamIsDownCachedProjectsStillInstallAndOthersFailFastWithoutA500() throws Exception {
        PythonEnvironment warm = fx.env.freshClientVenv();
        assertThat(fx.pip(warm, "install", "--index-url", simple("dev"), "acme-utils").exitCode()).isZero();
        up.stop();
        try {
            Thread.sleep(1200); // the cached pages are past their TTL: each request now finds the upstream down
            PythonEnvironment venv = fx.env.freshClientVenv();
            AccessFixture.Run pip = fx.pip(venv, "install", "--index-url", simple("dev"), "acme-utils");
            assertThat(pip.exitCode()).as(pip.output()).isZero();
            assertThat(pip.output()).contains("Successfully installed acme-utils-1.0 public-dep-2.0 public-leaf-1.0");
            HttpResponse<byte[]> stale = get("/dev/simple/public-dep/");
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(stale.headers().firstValue("X-Pypub-Upstream").orElseThrow()).startsWith("stale");
            assertThat(stale.headers().firstValue("Warning")).hasValue("110 pypub \"Response is Stale\"");

            long start = System.nanoTime();
            HttpResponse<byte[]> uncached = get("/dev/simple/late-lib/");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
            assertThat(uncached.statusCode()).isEqualTo(502);
            assertThat(text(uncached)).contains("late-lib comes from the upstream, which is unavailable and has not been cached here");
            long pipStart = System.nanoTime();
            // pip says only "No matching distribution" unless -vv (its debug level) shows our answer.
            AccessFixture.Run failing = fx.pip(venv, "install", "-vv", "--retries", "0", "--index-url", simple("dev"), "late-lib");
            assertThat(failing.exitCode()).isNotZero();
            assertThat(failing.output()).contains("502");
            assertThat((System.nanoTime() - pipStart) / 1_000_000).isLessThan(30_000);
            long uvStart = System.nanoTime();
            AccessFixture.Run uvFailing = uv("dev", TestEnvironment.tempDir("uv-late"), "late-lib");
            assertThat(uvFailing.exitCode()).isNotZero();
            assertThat(uvFailing.output()).contains("502");
            assertThat((System.nanoTime() - uvStart) / 1_000_000).isLessThan(30_000);
            Path target = TestEnvironment.tempDir("uv-down");
            AccessFixture.Run uv = uv("dev", target, "acme-utils");
            assertThat(uv.exitCode()).as(uv.output()).isZero();
        } finally {
            up.start();
        }
        assertThat(fx.logs.audit()).noneMatch(a -> a.path("status").asInt() >= 500 && a.path("status").asInt() != 502);
    }
}
