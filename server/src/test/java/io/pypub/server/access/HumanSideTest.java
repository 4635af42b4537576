package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.pages.HumanPages;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The human side of the index with access control on: the stage page's search and sort, the project
 * and version pages, PyPI's JSON API checked by a Python client, and {@code pypub ls} / {@code show}.
 */
class HumanSideTest {
    static final String README = "# Widget manual\n\nSome **bold** text and a [good link](https://example.com/docs).\n\n"
            + "<script>alert('readme')</script>\n\n[bad link](javascript:alert('link'))\n\n<img src=x onerror=alert('img')>\n";
    private static AccessFixture index;
    private static String key;
    private static String prodKey;

    @BeforeAll
    static void publish() throws Exception {
        index = new AccessFixture();
        index.publish("hello-package", "dev");
        Path dir = TestEnvironment.tempDir("human-side");
        for (String v : List.of("1.0", "2.0")) {
            TinyWheels.write(dir, "widget", v, "Summary: Widgets for every dashboard\nRequires-Python: >=3.9\n"
                    + "Requires-Dist: requests>=2\nRequires-Dist: rich; extra == \"pretty\"\n"
                    + "Project-URL: Source, https://example.com/widget\nProject-URL: Tracker, javascript:alert('url')\n"
                    + "Description-Content-Type: text/markdown\n", README);
        }
        assertThat(index.cli(null, "import", "--stage", "dev", dir.toString()).exitCode()).isZero();
        assertThat(index.cli(null, "yank", "widget", "1.0", "--stage", "dev", "--reason", "broken build").exitCode()).isZero();
        assertThat(index.cli(null, "promote", "widget", "2.0", "--from", "dev", "--to", "prod").exitCode()).isZero();
        key = index.createKey("--client", "human", "--stages", "dev");
        prodKey = index.createKey("--client", "prod-reader", "--stages", "prod");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static String page(String path, String k) throws Exception {
        HttpResponse<byte[]> r = index.get(path, "Authorization", "Bearer " + k);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'")
                .doesNotContain("script-src");
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theStagePageSearchesNamesAndSummariesAndSortsByNameOrLastRelease() throws Exception {
        String all = page("/dev/", key);
        assertThat(all).contains("2 projects").contains("href=\"-/project/widget/\"").contains("href=\"-/project/hello-package/\"");
        assertThat(all.indexOf("-/project/hello-package/")).isLessThan(all.indexOf("-/project/widget/"));
        String byUpdate = page("/dev/?sort=updated", key);
        assertThat(byUpdate.indexOf("-/project/widget/")).isLessThan(byUpdate.indexOf("-/project/hello-package/"));
        String dashboards = page("/dev/?q=DASHBOARD", key);
        assertThat(dashboards).contains("1 project matching").contains("-/project/widget/").doesNotContain("-/project/hello-package/");
        assertThat(page("/dev/?q=tiny+example", key)).contains("-/project/hello-package/").doesNotContain("-/project/widget/");
        assertThat(page("/dev/?q=%3Cscript%3E", key)).contains("Nothing matches.").doesNotContain("<script>");
        HttpResponse<byte[]> first = index.get("/dev/", "Authorization", "Bearer " + key);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(index.get("/dev/", "Authorization", "Bearer " + key, "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void searchingTenThousandProjectsTakesMilliseconds() {
        List<ProjectEntry> projects = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            projects.add(new ProjectEntry("project-" + i, "Project-" + i, "1." + i, Instant.now().minusSeconds(i),
                    "Summary number " + i + (i % 100 == 0 ? " with telemetry" : "")));
        }
        HumanPages pages = new HumanPages(null);
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 30; run++) {
            long start = System.nanoTime();
            var listing = HumanPages.list(projects, "telemetry", "updated", 1);
            byte[] html = pages.stage(Stage.of("dev"), listing, "telemetry", "updated", HumanPages.Viewer.ANONYMOUS);
            best = Math.min(best, System.nanoTime() - start);
            assertThat(listing.total()).isEqualTo(100);
            assertThat(html.length).isLessThan(60_000);
        }
        // What one request costs at 10,000 projects once the registry query is cached (the stage page reads nothing else).
        assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofMillis(25));
    }

    @Test
    void theProjectPageShowsTheReadmeSafelyAndVersionsYanksDependenciesProvenanceAndInstallLines() throws Exception {
        String html = page("/dev/-/project/widget/", key);
        assertThat(html).contains("<h1>widget <span class=\"badge\">2.0</span></h1>")
                .contains("Widgets for every dashboard")
                .contains("<h1>Widget manual</h1>").contains("<strong>bold</strong>")
                .contains("<a href=\"https://example.com/docs\" rel=\"nofollow noopener noreferrer\">good link</a>")
                .contains("requests&gt;=2").contains("rich; extra == &quot;pretty&quot;")
                .contains("&gt;=3.9")
                .contains("yanked: broken build").contains("latest</span>")
                .contains("href=\"1.0/\"").contains("href=\"2.0/\"")
                .contains("pip install --index-url https://INDEX-HOST/dev/simple/ widget")
                .contains("uv pip install --index-url https://INDEX-HOST/dev/simple/ widget")
                .contains("poetry add --source pypub widget")
                .contains("<a rel=\"nofollow noopener noreferrer\" href=\"https://example.com/widget\">")
                .contains("Tracker: <code>javascript:alert(&#39;url&#39;)</code>")
                .contains("Published by");
        String readme = html.substring(html.indexOf("<div class=\"readme\">"));
        // Raw HTML in Markdown is shown as text, a javascript: link loses its target: nothing is a tag that runs.
        assertThat(readme).doesNotContain("<script").doesNotContain("javascript:").doesNotContain("<img")
                .contains("&lt;script&gt;alert('readme')&lt;/script&gt;").contains("<a rel=\"nofollow noopener noreferrer\">bad link</a>");
        assertThat(html.toLowerCase()).doesNotContain("<script");
        String hello = page("/dev/-/project/hello-package/", key);
        assertThat(hello).contains("href=\"../../../docs/hello-package/0.1.0/\"").contains("<dd class=\"published-by\">test</dd>");
        assertThat(index.get("/dev/-/project/nope/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(404);
        assertThat(index.get("/dev/-/project/Widget/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(301);
        assertThat(index.get("/dev/-/project/widget/", "Authorization", "Bearer " + prodKey).statusCode()).isEqualTo(403);
    }

    @Test
    void theVersionPageListsFilesWithSizeHashUploadTimeAndMetadataAndThePromoteHistory() throws Exception {
        var release = index.deployment.versions().releases(Stage.of("prod"), "widget").get(0);
        var file = release.files().get(0);
        String html = page("/prod/-/project/widget/2.0/", prodKey);
        assertThat(html).contains(file.sha256()).contains(file.filename())
                .contains("href=\"../../../../files/widget/2.0/" + file.filename() + "\"")
                .contains("href=\"../../../../files/widget/2.0/" + file.filename() + ".metadata\"")
                .contains(" KiB</td>").contains("UTC</time>")
                .contains("dev &rarr; prod");
        assertThat(page("/dev/-/project/widget/1.0/", key)).contains("Yanked: broken build");
        assertThat(index.get("/dev/-/project/widget/3.0/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(404);
    }

    @Test
    void theJsonApiHasPyPIsShapeForAPythonClientWithTheSimpleApisKeysAndScopes() throws Exception {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("base", index.server().localUrl().toString().replaceAll("/$", ""));
        expected.put("stage", "dev");
        expected.put("project", "widget");
        expected.put("key", key);
        expected.put("other_key", prodKey);
        expected.put("latest", "2.0");
        expected.put("versions", List.of("1.0", "2.0"));
        expected.put("yanked", Map.of("1.0", "broken build"));
        expected.put("requires_dist", List.of("requests>=2", "rich; extra == \"pretty\""));
        expected.put("project_urls", Map.of("Source", "https://example.com/widget", "Tracker", "javascript:alert('url')"));
        Path script = TestEnvironment.tempDir("json-api").resolve("json_api_check.py");
        try (var in = HumanSideTest.class.getResourceAsStream("/io/pypub/server/json_api_check.py")) {
            Files.write(script, in.readAllBytes());
        }
        StringBuilder out = new StringBuilder();
        var python = TestEnvironment.pythonEnvironment().python().toString();
        var r = new LocalCommandRunner().run(List.of(python, script.toString(), new ObjectMapper().writeValueAsString(expected)),
                script.getParent(), Map.of(), Duration.ofMinutes(2), line -> out.append(line).append('\n'));
        assertThat(r.exitCode()).as(out.toString()).isZero();
        assertThat(out.toString()).contains("OK");
    }

    @Test
    void lsAndShowTellWhatIsPublished() throws Exception {
        AccessFixture.CliResult ls = index.cli(null, "ls", "--stage", "dev");
        assertThat(ls.exitCode()).as(ls.stderr()).isZero();
        assertThat(ls.stdout()).contains("STAGE").contains("hello-package").contains("widget").contains("2.0")
                .contains("Widgets for every dashboard");
        AccessFixture.CliResult glob = index.cli(null, "ls", "wid*");
        assertThat(glob.stdout()).contains("dev ").contains("prod").contains("widget").doesNotContain("hello-package");
        JsonNode lsJson = new ObjectMapper().readTree(index.cli(null, "ls", "--stage", "dev", "--json", "dashboard").stdout());
        assertThat(lsJson).hasSize(1);
        assertThat(lsJson.get(0).get("project").asText()).isEqualTo("widget");
        assertThat(lsJson.get(0).get("latest").asText()).isEqualTo("2.0");

        AccessFixture.CliResult show = index.cli(null, "show", "widget", "--stage", "dev");
        assertThat(show.exitCode()).as(show.stderr()).isZero();
        assertThat(show.stdout()).contains("widget (dev)").contains("latest: 2.0").contains("1.0").contains("YANKED: broken build");
        JsonNode one = new ObjectMapper().readTree(index.cli(null, "show", "widget", "2.0", "--json").stdout());
        assertThat(one).hasSize(2); // dev and prod
        JsonNode prod = one.get(0).get("stage").asText().equals("prod") ? one.get(0) : one.get(1);
        JsonNode v = prod.get("versions").get(0);
        assertThat(v.get("promoted_from").asText()).isEqualTo("dev");
        var file = index.deployment.versions().releases(Stage.of("prod"), "widget").get(0).files().get(0);
        assertThat(v.get("files").get(0).get("sha256").asText()).isEqualTo(file.sha256());
        AccessFixture.CliResult docs = index.cli(null, "show", "hello-package", "--stage", "dev", "--public-url", "https://pypi.example.com");
        assertThat(docs.stdout()).contains("docs https://pypi.example.com/dev/docs/hello-package/0.1.0/");
        AccessFixture.CliResult missing = index.cli(null, "show", "nope", "--stage", "dev");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("error: no project 'nope' in stage dev");
    }
}
