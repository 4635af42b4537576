package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.DistFilename;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.TestEnvironment;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's conformance check: every page the index serves for a stage (the project list and each
 * project page, in every format it negotiates) is validated against a PEP 691 + 700 + 714 JSON
 * schema or parsed with a strict HTML5 parser, and then held to the PEP 503 / 592 / 658 / 714 rules
 * against the version table's records and the bytes the index serves.
 *
 * <p>The stage covers the cases those rules distinguish: wheels with metadata and sdists without,
 * a release yanked with a reason and one yanked without, a non-normalized display name, and a
 * Requires-Python with both {@code <} and {@code >}. Schema validation (jsonschema) and HTML parsing
 * (html5lib) run in the test venv, once for all pages, via {@code conformance/check_pages.py}.
 */
class SimpleApiConformanceTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Pattern SHA256_FRAGMENT = Pattern.compile("^sha256=([0-9a-f]{64})$");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The representations the index negotiates (PEP 691), with the Content-Type each must answer with. */
    enum Variant {
        HTML_DEFAULT(null, "text/html; charset=utf-8"),
        HTML_LEGACY("text/html", "text/html; charset=utf-8"),
        HTML_V1("application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html; charset=utf-8"),
        JSON_V1("application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.v1+json"),
        // The spec: a "latest" request is answered with the actual version's content type.
        JSON_LATEST("application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+json");

        final String accept;
        final String contentType;

        Variant(String accept, String contentType) {
            this.accept = accept;
            this.contentType = contentType;
        }

        boolean json() {
            return contentType.contains("json");
        }
    }

    /** One fetched page; {@code project} is null for the project list. */
    record Page(String project, Variant variant, URI url, String contentType, byte[] body, Path file) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return url + " as " + variant;
        }
    }

    private static IndexFixture index;
    private static List<ProjectEntry> projects;
    private static final Map<String, List<Release>> RECORDED = new LinkedHashMap<>();
    private static final List<Page> PAGES = new ArrayList<>();
    private static JsonNode report;
    /** The pages that came gzipped (those over 1 KiB): the checks below hold for them after inflating. */
    private static final Set<String> GZIPPED = new HashSet<>();

    @BeforeAll
    static void publishAndCheckEveryPage() throws Exception {
        index = new IndexFixture();
        TestEnvironment env = index.env;
        ExamplePackages.publish(index, ExamplePackages.helloPackage(env, "0.1.0"), "dev");
        ExamplePackages.publish(index, ExamplePackages.helloPackage(env, "0.2.0"), "dev");
        ExamplePackages.publish(index, env.copyOfExample("acme-utils"), "dev");
        ExamplePackages.publish(index, ExamplePackages.renamed(env, "Zed.Greeter_Tools", "1.0", ">=3.9, <4"), "dev");
        ExamplePackages.yank(index, "dev", "hello-package", "0.2.0", "broken");
        ExamplePackages.yank(index, "dev", "zed-greeter-tools", "1.0", null);
        String json = Variant.JSON_V1.accept;
        ExamplePackages.awaitPage(index, "/dev/simple/hello-package/", json, b -> b.contains("\"yanked\":\"broken\""));
        ExamplePackages.awaitPage(index, "/dev/simple/zed-greeter-tools/", json, b -> b.contains("\"yanked\":true"));

        projects = index.deployment.versions().projects(DEV);
        for (ProjectEntry p : projects) {
            RECORDED.put(p.name(), index.deployment.versions().releases(DEV, p.name()));
        }
        assertThat(RECORDED.keySet()).containsExactlyInAnyOrder("acme-utils", "hello-package", "zed-greeter-tools");

        // Crawl: the project list in every variant, then every project it names, in every variant.
        Path dir = TestEnvironment.tempDir("simple-pages-");
        for (Variant v : Variant.values()) {
            PAGES.add(fetchPage(dir, null, v));
        }
        for (JsonNode p : MAPPER.readTree(page(null, Variant.JSON_V1).body()).path("projects")) {
            for (Variant v : Variant.values()) {
                PAGES.add(fetchPage(dir, ProjectName.normalize(p.path("name").asText()), v));
            }
        }
        report = check(dir);
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void pagesOverTheThresholdWentOutGzipped() {
        assertThat(GZIPPED).as("pages sent as gzip").isNotEmpty();
    }

    @Test
    void everyPageIsServedWithItsNegotiatedContentType() {
        assertThat(PAGES).hasSize(Variant.values().length * (1 + projects.size()));
        for (Page p : PAGES) {
            assertThat(p.contentType()).as(p.toString()).isEqualTo(p.variant().contentType);
        }
    }

    @Test
    void everyJsonPageMatchesTheSimpleApiSchema() {
        for (Page p : PAGES) {
            if (p.variant().json()) {
                assertThat(errors(p)).as(p + ":\n" + p.text()).isEmpty();
            }
        }
    }

    @Test
    void everyHtmlPageParsesWithoutAnyHtml5ErrorAndDeclaresTheApiVersion() {
        for (Page p : PAGES) {
            if (!p.variant().json()) {
                assertThat(errors(p)).as(p + ":\n" + p.text()).isEmpty();
                // PEP 629: <meta name="pypi:repository-version" content="Major.Minor"> (1.1 with PEP 700).
                assertThat(metaContent(p, "pypi:repository-version")).as(p.toString()).isEqualTo(SimplePages.API_VERSION);
            }
        }
    }

    @Test
    void projectListHasOneAnchorPerProjectNamedAndLinkedByItsNormalizedName() throws Exception {
        Set<String> displayNames = projects.stream().map(ProjectEntry::displayName).collect(Collectors.toSet());
        assertThat(displayNames).contains("Zed.Greeter_Tools");
        for (Page p : pages(null)) {
            if (p.variant().json()) {
                assertThat(MAPPER.readTree(p.body()).path("projects").findValuesAsText("name")).as(p.toString()).containsExactlyInAnyOrderElementsOf(displayNames);
                continue;
            }
            List<JsonNode> anchors = anchors(p);
            assertThat(anchors).as(p.toString()).hasSize(projects.size());
            Set<String> texts = new HashSet<>();
            for (JsonNode a : anchors) {
                String text = a.path("text").asText();
                assertThat(texts.add(text)).as("one anchor per project: " + text).isTrue();
                assertThat(a.path("attrs").path("href").asText()).as(text).isEqualTo(ProjectName.normalize(text) + "/");
            }
            assertThat(texts).isEqualTo(displayNames);
        }
    }

    @Test
    void htmlProjectPagesFollowPep503And592And658And714() throws Exception {
        for (Page p : PAGES) {
            if (p.project() == null || p.variant().json()) {
                continue;
            }
            Map<String, Recorded> files = recordedFiles(p.project());
            List<JsonNode> anchors = anchors(p);
            assertThat(anchors).as(p.toString()).hasSize(files.size());
            Set<String> seen = new HashSet<>();
            for (JsonNode a : anchors) {
                String filename = a.path("text").asText();
                JsonNode attrs = a.path("attrs");
                Recorded r = files.get(filename);
                assertThat(r).as("anchor text is a recorded filename: " + filename).isNotNull();
                assertThat(seen.add(filename)).as("a single anchor per file: " + filename).isTrue();

                // href: ends with the filename, then #sha256=<64 hex> of the record and of the served bytes.
                URI href = p.url().resolve(attrs.path("href").asText());
                assertThat(href.getPath()).as(filename).endsWith("/" + filename);
                Matcher hash = SHA256_FRAGMENT.matcher(String.valueOf(href.getFragment()));
                assertThat(hash.matches()).as("href fragment of " + filename + ": " + href).isTrue();
                assertThat(hash.group(1)).isEqualTo(r.file().sha256());
                URI fileUrl = withoutFragment(href);
                assertThat(FileDigest.sha256Hex(download(fileUrl))).as(filename).isEqualTo(r.file().sha256());

                // data-requires-python: the specifier, HTML-escaped in the markup.
                String rp = r.file().requiresPython();
                assertThat(attrs.path("data-requires-python").isMissingNode()).isEqualTo(rp == null);
                if (rp != null) {
                    assertThat(attrs.path("data-requires-python").asText()).isEqualTo(rp);
                    assertThat(p.text()).contains("data-requires-python=\"" + io.pypub.server.pages.Html.escape(rp) + "\"");
                    assertThat(io.pypub.server.pages.Html.escape(rp)).doesNotContain("<", ">");
                }

                // PEP 658 / 714: both attributes, equal, sha256 of the .metadata the index serves.
                String meta = r.file().metadataSha256();
                for (String attr : List.of("data-core-metadata", "data-dist-info-metadata")) {
                    assertThat(attrs.path(attr).isMissingNode()).as(attr + " on " + filename).isEqualTo(meta == null);
                    if (meta != null) {
                        assertThat(attrs.path(attr).asText()).as(attr + " on " + filename).isEqualTo("sha256=" + meta);
                    }
                }
                if (meta != null) {
                    assertThat(FileDigest.sha256Hex(download(URI.create(fileUrl + ".metadata")))).as(filename + ".metadata").isEqualTo(meta);
                }

                // PEP 592: data-yanked only on yanked files, its value the reason (empty without one).
                assertThat(attrs.has("data-yanked")).as("data-yanked on " + filename).isEqualTo(r.release().yanked());
                if (r.release().yanked()) {
                    assertThat(attrs.path("data-yanked").asText()).isEqualTo(r.release().yankReason() == null ? "" : r.release().yankReason());
                }
            }
        }
    }

    @Test
    void jsonProjectPagesAgreeWithTheRecordsAndTheServedBytes() throws Exception {
        for (Page p : PAGES) {
            if (p.project() == null || !p.variant().json()) {
                continue;
            }
            JsonNode root = MAPPER.readTree(p.body());
            Map<String, Recorded> files = recordedFiles(p.project());
            assertThat(root.path("name").asText()).isEqualTo(p.project());
            Set<String> versions = RECORDED.get(p.project()).stream().map(r -> r.version().normalized()).collect(Collectors.toSet());
            assertThat(MAPPER.convertValue(root.path("versions"), List.class)).as(p.toString()).containsExactlyInAnyOrderElementsOf(versions);
            assertThat(root.path("files")).as(p.toString()).hasSize(files.size());
            for (JsonNode f : root.path("files")) {
                String filename = f.path("filename").asText();
                Recorded r = files.get(filename);
                assertThat(r).as("a recorded filename: " + filename).isNotNull();
                // PEP 700: every file belongs to one of the listed versions.
                assertThat(versions).contains(DistFilename.parse(filename).version().normalized());

                URI url = p.url().resolve(f.path("url").asText());
                assertThat(url.getPath()).endsWith("/" + filename);
                assertThat(f.path("hashes").path("sha256").asText()).isEqualTo(r.file().sha256());
                byte[] bytes = download(url);
                assertThat(FileDigest.sha256Hex(bytes)).as(filename).isEqualTo(r.file().sha256());
                assertThat(f.path("size").asLong()).isEqualTo(r.file().size()).isEqualTo(bytes.length);
                assertThat(Instant.parse(f.path("upload-time").asText())).isEqualTo(r.file().uploadTime().truncatedTo(ChronoUnit.MICROS));
                assertThat(f.path("requires-python").asText(null)).isEqualTo(r.file().requiresPython());

                // PEP 714: "core-metadata" only; the legacy JSON key crashes pip 22.3 to 23.1.
                assertThat(f.has("dist-info-metadata")).as(filename).isFalse();
                String meta = r.file().metadataSha256();
                if (meta == null) {
                    assertThat(f.path("core-metadata").asBoolean(true)).as(filename).isFalse();
                } else {
                    assertThat(f.path("core-metadata").path("sha256").asText()).isEqualTo(meta);
                    assertThat(FileDigest.sha256Hex(download(URI.create(url + ".metadata")))).isEqualTo(meta);
                }

                // PEP 592 in JSON: the reason, true when there is none, false when not yanked.
                JsonNode yanked = f.path("yanked");
                if (!r.release().yanked()) {
                    assertThat(yanked.isBoolean() && !yanked.asBoolean()).as(filename + " yanked=" + yanked).isTrue();
                } else if (r.release().yankReason() == null) {
                    assertThat(yanked.isBoolean() && yanked.asBoolean()).as(filename + " yanked=" + yanked).isTrue();
                } else {
                    assertThat(yanked.asText()).isEqualTo(r.release().yankReason());
                }
            }
        }
    }

    private record Recorded(Release release, ReleaseFile file) {}

    private static Map<String, Recorded> recordedFiles(String project) {
        Map<String, Recorded> out = new LinkedHashMap<>();
        for (Release r : RECORDED.get(project)) {
            r.files().forEach(f -> out.put(f.filename(), new Recorded(r, f)));
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static Page fetchPage(Path dir, String project, Variant v) throws Exception {
        String path = project == null ? "/dev/simple/" : "/dev/simple/" + project + "/";
        // As pip and uv ask: with gzip accepted, so the checks run over the bytes they inflate.
        HttpResponse<byte[]> r = v.accept == null ? index.get(path, "Accept-Encoding", "gzip, deflate")
                : index.get(path, "Accept", v.accept, "Accept-Encoding", "gzip, deflate");
        assertThat(r.statusCode()).as(path + " as " + v).isEqualTo(200);
        byte[] body = r.body();
        if (r.headers().firstValue("Content-Encoding").filter("gzip"::equals).isPresent()) {
            GZIPPED.add(path + " as " + v);
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        Path file = dir.resolve((project == null ? "_list" : project) + "." + v.name().toLowerCase() + (v.json() ? ".json" : ".html"));
        Files.write(file, body);
        return new Page(project, v, URI.create(index.url(path)), r.headers().firstValue("Content-Type").orElse(""), body, file);
    }

    /** Runs the schema validation and strict HTML parse over every page at once. */
    private static JsonNode check(Path dir) throws Exception {
        Path conformance = Path.of(SimpleApiConformanceTest.class.getResource("conformance/check_pages.py").toURI()).getParent();
        List<Map<String, String>> manifest = new ArrayList<>();
        for (Page p : PAGES) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("file", p.file().toString());
            entry.put("format", p.variant().json() ? "json" : "html");
            if (p.variant().json()) {
                String schema = p.project() == null ? "simple-project-list.schema.json" : "simple-project-detail.schema.json";
                entry.put("schema", conformance.resolve(schema).toString());
            }
            manifest.add(entry);
        }
        Path manifestFile = dir.resolve("manifest.json");
        MAPPER.writeValue(manifestFile.toFile(), manifest);
        String out = ClientTools.run(dir, Map.of(), List.of(TestEnvironment.pythonEnvironment().python().toString(),
                conformance.resolve("check_pages.py").toString(), manifestFile.toString()));
        JsonNode result = MAPPER.readTree(out);
        assertThat(result.size()).isEqualTo(PAGES.size());
        return result;
    }

    private static Page page(String project, Variant v) {
        return PAGES.stream().filter(p -> java.util.Objects.equals(p.project(), project) && p.variant() == v).findFirst().orElseThrow();
    }

    private static List<Page> pages(String project) {
        return PAGES.stream().filter(p -> java.util.Objects.equals(p.project(), project)).toList();
    }

    private static JsonNode parsed(Page p) {
        return report.path(p.file().toString());
    }

    private static List<String> errors(Page p) {
        List<String> out = new ArrayList<>();
        parsed(p).path("errors").forEach(e -> out.add(e.asText()));
        return out;
    }

    private static List<JsonNode> anchors(Page p) {
        List<JsonNode> out = new ArrayList<>();
        parsed(p).path("anchors").forEach(out::add);
        return out;
    }

    private static String metaContent(Page p, String name) {
        for (JsonNode m : parsed(p).path("metas")) {
            if (name.equals(m.path("name").asText())) {
                return m.path("content").asText(null);
            }
        }
        return null;
    }

    private static URI withoutFragment(URI u) {
        String s = u.toString();
        int hash = s.indexOf('#');
        return URI.create(hash < 0 ? s : s.substring(0, hash));
    }

    private static byte[] download(URI url) throws Exception {
        HttpResponse<byte[]> r = index.http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(url.toString()).isEqualTo(200);
        return r.body();
    }
}
