package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code :action=doc_upload} (what devpi accepts; twine does not send it): a real multipart POST from Python's
 * {@code requests} with a zip of HTML for an existing release, which the release's docs URL then serves; bad zips
 * (not a zip, {@code ..}, an absolute path, a symbolic link, no index.html) and wrong keys store nothing.
 */
class DocUploadTest {
    private static final String PASSWORD = "docs reader password 1";
    private static AccessFixture index;
    private static String key;
    private static String readKey;
    private static String otherProjectKey;

    @BeforeAll
    static void setUp() throws Exception {
        index = new AccessFixture();
        key = index.createKey("--client", "docs-ci", "--stages", "dev", "--scopes", "publish");
        readKey = index.createKey("--client", "reader", "--stages", "dev");
        otherProjectKey = index.createKey("--client", "acme", "--stages", "dev", "--scopes", "publish", "--projects", "acme-*");
        assertThat(index.cli(PASSWORD + "\n", "users", "add", "reader", "--stages", "dev", "--password-stdin").exitCode()).isZero();
        Path wheel = TinyWheels.write(TestEnvironment.tempDir("doc-upload"), "doc-demo", "1.0");
        var r = new LocalCommandRunner().run(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload",
                "--non-interactive", "--disable-progress-bar", "--repository-url", index.url("/dev/legacy/"), wheel.toString()),
                Path.of("").toAbsolutePath(), Map.of("TWINE_USERNAME", "__token__", "TWINE_PASSWORD", key), Duration.ofMinutes(2),
                line -> { });
        assertThat(r.exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        assertThat(index.logs.all()).doesNotContain(key, readKey, otherProjectKey);
        index.close();
    }

    /** POSTs the zip as devpi's doc_upload form with Python's requests; returns "STATUS body". */
    private static String docUpload(String withKey, String name, String version, Path zip) {
        String script = String.join("\n",
                "import sys, requests",
                "url, name, version, path = sys.argv[1:5]",
                "import os",
                "with open(path, 'rb') as f:",
                "    r = requests.post(url, auth=('__token__', os.environ['PYPUB_KEY']),",
                "        data={':action': 'doc_upload', 'name': name, 'version': version},",
                "        files={'content': (os.path.basename(path), f, 'application/zip')})",
                "print(r.status_code, r.text.strip())");
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(List.of(TestEnvironment.pythonEnvironment().python().toString(), "-c", script,
                        index.url("/dev/legacy/"), name, version, zip.toString()), Path.of("").toAbsolutePath(),
                Map.of("PYPUB_KEY", withKey), Duration.ofMinutes(1), line -> out.append(line).append('\n'));
        assertThat(r.exitCode()).as(out.toString()).isZero();
        return out.toString().strip();
    }

    private static Path zip(String name, Map<String, String> entries) throws IOException {
        Path zip = TestEnvironment.tempDir("doc-zips").resolve(name);
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }

    private static Release release() {
        return index.deployment.versions().releases(Stage.of("dev"), "doc-demo").stream().findFirst().orElseThrow();
    }

    private static long docsObjects() {
        return index.deployment.clients().s3().listObjectsV2Paginator(b -> b.bucket(index.deployment.settings().effectiveDocsBucket()))
                .contents().stream().filter(o -> o.key().contains("docs/")).count();
    }

    private static String docs(String path) throws Exception {
        var r = index.get("/dev/docs/doc-demo/1.0/" + path, "Authorization", AccessFixture.basic("reader", PASSWORD));
        return r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("") + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aZipOfHtmlBecomesTheReleasesDocs() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.html", "<html><body>Doc demo manual</body></html>");
        files.put("api/module.html", "<html><body>The module</body></html>");
        files.put("style.css", "body { color: black }");
        String answer = docUpload(key, "Doc_Demo", "1.0", zip("docs.zip", files));
        assertThat(answer).startsWith("200").contains("/dev/docs/doc-demo/1.0/");
        assertThat(release().docsPrefix()).isNotNull();
        assertThat(docs("")).startsWith("200 text/html").contains("Doc demo manual");
        assertThat(docs("api/module.html")).contains("The module");
        assertThat(docs("style.css")).startsWith("200 text/css");
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("method").asText()).isEqualTo("POST");
            assertThat(a.path("project").asText()).isEqualTo("doc-demo");
            assertThat(a.path("status").asInt()).isEqualTo(200);
        });
    }

    @Test
    void badZipsAndWrongKeysAreRefusedAndStoreNothing() throws Exception {
        String prefix = release().docsPrefix();
        long objects = docsObjects();
        Path notAZip = Files.writeString(TestEnvironment.tempDir("doc-zips").resolve("docs.zip"), "<html>not a zip</html>");
        assertThat(docUpload(key, "doc-demo", "1.0", notAZip)).startsWith("400").contains("not a readable zip");
        assertThat(docUpload(key, "doc-demo", "1.0", zip("dotdot.zip", Map.of("index.html", "x", "../evil.html", "x"))))
                .startsWith("400").contains("unsafe entry", "../evil.html");
        assertThat(docUpload(key, "doc-demo", "1.0", zip("absolute.zip", Map.of("index.html", "x", "/etc/evil.html", "x"))))
                .startsWith("400").contains("unsafe entry");
        assertThat(docUpload(key, "doc-demo", "1.0", zip("noindex.zip", Map.of("page.html", "x")))).startsWith("400")
                .contains("no index.html");
        Path symlink = TestEnvironment.tempDir("doc-zips").resolve("symlink.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(symlink)) {
            ZipArchiveEntry index = new ZipArchiveEntry("index.html");
            z.putArchiveEntry(index);
            z.write("x".getBytes(StandardCharsets.UTF_8));
            z.closeArchiveEntry();
            ZipArchiveEntry link = new ZipArchiveEntry("passwd.html");
            link.setUnixMode(0120777); // a symbolic link to /etc/passwd
            z.putArchiveEntry(link);
            z.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
            z.closeArchiveEntry();
        }
        assertThat(docUpload(key, "doc-demo", "1.0", symlink)).startsWith("400").contains("symbolic link");

        Path good = zip("good.zip", Map.of("index.html", "<html>ok</html>"));
        assertThat(docUpload(key, "doc-demo", "9.9", good)).startsWith("400").contains("no release doc-demo 9.9");
        assertThat(docUpload(readKey, "doc-demo", "1.0", good)).startsWith("403");
        assertThat(docUpload(otherProjectKey, "doc-demo", "1.0", good)).startsWith("403");

        assertThat(release().docsPrefix()).isEqualTo(prefix);
        assertThat(docsObjects()).isEqualTo(objects);
    }
}
