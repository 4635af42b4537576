package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The legacy upload API (issue 15) driven by the real clients: {@code twine upload} and
 * {@code uv publish} against a real index over the embedded S3 and DynamoDB, then {@code pip install}
 * of what they uploaded; and the refusals (scope, reuse, digest, name, truncated, oversize), each
 * with nothing recorded.
 */
class UploadApiTest {
    private static AccessFixture index;
    private static String publishKey;
    private static String readKey;
    private static String acmeKey;
    private static Path dist;
    /** What twine and uv printed, and pip (through the fixture), for the secret scan. */
    private static final StringBuilder toolOutputs = new StringBuilder();

    @BeforeAll
    static void setUp() throws Exception {
        index = new AccessFixture();
        publishKey = index.createKey("--client", "github-ci", "--stages", "dev", "--scopes", "publish,download");
        readKey = index.createKey("--client", "reader", "--stages", "dev");
        acmeKey = index.createKey("--client", "acme-ci", "--stages", "dev", "--scopes", "publish", "--projects", "acme-*");
        // A real sdist and wheel of the example project, built as any CI would.
        dist = TestEnvironment.tempDir("upload-dist");
        Path project = index.env.copyOfExample("hello-package");
        TestEnvironment.run(List.of(TestEnvironment.pythonEnvironment().python().toString(), "-m", "build", "--no-isolation",
                "--outdir", dist.toString(), project.toString()));
    }

    @AfterAll
    static void stop() {
        // The keys went in through the environment: no client output and no log line shows one.
        assertThat(toolOutputs.toString()).doesNotContain(publishKey, readKey, acmeKey);
        assertThat(index.logs.all()).doesNotContain(publishKey, readKey, acmeKey);
        index.close();
    }

    private static String legacyUrl() {
        return index.url("/dev/legacy/");
    }

    private static List<Path> distFiles() throws IOException {
        try (Stream<Path> s = Files.list(dist)) {
            return s.sorted().toList();
        }
    }

    private static AccessFixture.Run tool(List<String> command, Map<String, String> env) {
        return toolIn(Path.of("").toAbsolutePath(), command, env);
    }

    private static AccessFixture.Run toolIn(Path dir, List<String> command, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(command, dir, env, Duration.ofMinutes(3),
                line -> out.append(line).append('\n'));
        toolOutputs.append(out);
        return new AccessFixture.Run(r.exitCode(), out.toString());
    }

    private static AccessFixture.Run twine(String key, List<String> extra, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload",
                "--non-interactive", "--disable-progress-bar", "--repository-url", legacyUrl()));
        cmd.addAll(extra);
        files.forEach(f -> cmd.add(f.toString()));
        // The key in the environment, as CI secrets are passed: never on a command line that ps shows.
        return tool(cmd, Map.of("TWINE_USERNAME", "__token__", "TWINE_PASSWORD", key));
    }

    private static AccessFixture.Run uvPublish(Path file, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of(TestEnvironment.pythonEnvironment().bin("uv").toString(), "publish", "--no-cache"));
        cmd.addAll(extra);
        cmd.add(file.toString());
        // As the README configures it: the URL and the key from the environment.
        return tool(cmd, Map.of("UV_PUBLISH_URL", legacyUrl(), "UV_PUBLISH_USERNAME", "__token__", "UV_PUBLISH_PASSWORD", publishKey));
    }

    private static Release release(String project, String version) {
        return index.deployment.versions().releases(Stage.of("dev"), project).stream()
                .filter(r -> r.version().toString().equals(version)).findFirst().orElse(null);
    }

    /** Content-addressed objects in the bucket: a refused upload must not add one. */
    private static long blobCount() {
        return index.deployment.clients().s3().listObjectsV2Paginator(b -> b.bucket(index.deployment.settings().bucket()))
                .contents().stream().filter(o -> o.key().contains("blobs/")).count();
    }

    @Test
    void twineUploadsTheSdistAndTheWheelAndPipInstallsThem() throws Exception {
        List<Path> files = distFiles();
        assertThat(files).hasSize(2);
        // One at a time, wheel first: the second upload adds a file to the release the first one recorded.
        var wheel = twine(publishKey, List.of(), files.stream().filter(f -> f.toString().endsWith(".whl")).toList());
        assertThat(wheel.exitCode()).as(wheel.output()).isZero();
        var sdist = twine(publishKey, List.of(), files.stream().filter(f -> f.toString().endsWith(".tar.gz")).toList());
        assertThat(sdist.exitCode()).as(sdist.output()).isZero();
        Release r = release("hello-package", "0.1.0");
        assertThat(r.files()).extracting(f -> f.filename())
                .containsExactlyInAnyOrder(files.get(0).getFileName().toString(), files.get(1).getFileName().toString());
        assertThat(r.publishedBy()).contains("uploaded by key " + AccessFixture.keyId(publishKey), "github-ci", "127.0.0.1");

        // The change log has each upload as a publish, by the key and address.
        var events = io.pypub.core.audit.ChangeLog.on(index.deployment.clients())
                .between(java.time.Instant.now().minus(Duration.ofHours(1)), java.time.Instant.now().plusSeconds(1)).stream()
                .filter(e -> e.operation().equals("publish") && "hello-package".equals(e.project()) && "0.1.0".equals(e.version()))
                .toList();
        assertThat(events).hasSize(2).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(io.pypub.core.audit.AuditEvent.OK);
            assertThat(e.actor()).contains("uploaded by key " + AccessFixture.keyId(publishKey), "(client github-ci)",
                    "from address 127.0.0.1");
        });

        // The same bytes again: success, nothing changes.
        var again = twine(publishKey, List.of(), files);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(release("hello-package", "0.1.0").revision()).isEqualTo(r.revision());

        PythonEnvironment venv = index.env.freshClientVenv();
        var installed = index.pip(venv, "install", "--index-url", AccessFixture.withKey(index.server(), readKey, "/dev/simple/"),
                "hello-package==0.1.0");
        toolOutputs.append(installed.output());
        assertThat(installed.exitCode()).as(installed.output()).isZero();
        assertThat(installed.output()).contains("Successfully installed hello-package-0.1.0");

        // The audit line of an upload names the key and the client.
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("method").asText()).isEqualTo("POST");
            assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(publishKey));
            assertThat(a.path("client").asText()).isEqualTo("github-ci");
            assertThat(a.path("status").asInt()).isEqualTo(200);
        });
    }

    @Test
    void twineWithThePypircOfTheReadmeAndPoetryPublishWithItsConfigLines() throws Exception {
        // The README's .pypirc stanza, the key from TWINE_PASSWORD.
        Path home = TestEnvironment.tempDir("pypirc");
        Path pypirc = Files.writeString(home.resolve(".pypirc"), "[distutils]\nindex-servers = acme-dev\n\n[acme-dev]\n"
                + "repository = " + legacyUrl() + "\nusername = __token__\n");
        Path wheel = TinyWheels.write(TestEnvironment.tempDir("pypirc-dist"), "via-pypirc", "1.0");
        var twine = tool(List.of(TestEnvironment.pythonEnvironment().bin("twine").toString(), "upload", "--non-interactive",
                "--disable-progress-bar", "--config-file", pypirc.toString(), "-r", "acme-dev", wheel.toString()),
                Map.of("TWINE_PASSWORD", publishKey));
        assertThat(twine.exitCode()).as(twine.output()).isZero();
        assertThat(release("via-pypirc", "1.0")).isNotNull();

        // poetry publish of a project's dist/ (built here by python -m build, as a CI step would), configured as the README says.
        Path project = index.env.copyOfExample("hello-package");
        Path pyproject = project.resolve("pyproject.toml");
        Files.writeString(pyproject, Files.readString(pyproject).replace("version = \"0.1.0\"", "version = \"0.2.0\""));
        TestEnvironment.run(List.of(TestEnvironment.pythonEnvironment().python().toString(), "-m", "build", "--no-isolation",
                "--outdir", project.resolve("dist").toString(), project.toString()));
        String poetry = TestEnvironment.pythonEnvironment().bin("poetry").toString();
        Map<String, String> env = Map.of("POETRY_CONFIG_DIR", TestEnvironment.tempDir("poetry-config").toString(),
                "POETRY_CACHE_DIR", TestEnvironment.tempDir("poetry-cache").toString(),
                "POETRY_HTTP_BASIC_ACME_DEV_USERNAME", "__token__", "POETRY_HTTP_BASIC_ACME_DEV_PASSWORD", publishKey);
        var configured = toolIn(project, List.of(poetry, "config", "repositories.acme-dev", legacyUrl()), env);
        assertThat(configured.exitCode()).as(configured.output()).isZero();
        var published = toolIn(project, List.of(poetry, "publish", "--no-interaction", "-r", "acme-dev"), env);
        assertThat(published.exitCode()).as(published.output()).isZero();
        assertThat(release("hello-package", "0.2.0").files()).hasSize(2);
    }

    @Test
    void pdmPublishesAProjectsDistFolder() throws Exception {
        Path project = index.env.copyOfExample("hello-package");
        Path pyproject = project.resolve("pyproject.toml");
        Files.writeString(pyproject, Files.readString(pyproject).replace("version = \"0.1.0\"", "version = \"0.3.0\""));
        TestEnvironment.run(List.of(TestEnvironment.pythonEnvironment().python().toString(), "-m", "build", "--no-isolation",
                "--outdir", project.resolve("dist").toString(), project.toString()));
        Path home = TestEnvironment.tempDir("pdm-home");
        var published = toolIn(project, List.of(TestEnvironment.pythonEnvironment().bin("pdm").toString(), "publish", "--no-build"),
                Map.of("PDM_PUBLISH_REPO", legacyUrl(), "PDM_PUBLISH_USERNAME", "__token__", "PDM_PUBLISH_PASSWORD", publishKey,
                        "PDM_HOME", home.toString(), "PDM_CONFIG_FILE", home.resolve("config.toml").toString(),
                        "PDM_CACHE_DIR", home.resolve("cache").toString(), "PDM_CHECK_UPDATE", "false"));
        assertThat(published.exitCode()).as(published.output()).isZero();
        assertThat(release("hello-package", "0.3.0").files()).hasSize(2);
    }

    @Test
    void uvPublishesAWheelThatPipInstalls() throws Exception {
        Path dir = TestEnvironment.tempDir("uv-publish");
        Path wheel = TinyWheels.write(dir, "uv-made", "2.0");
        var r = uvPublish(wheel, List.of());
        assertThat(r.exitCode()).as(r.output()).isZero();
        Release first = release("uv-made", "2.0");
        assertThat(first.files()).hasSize(1);
        // Again, with --check-url: uv finds the file with its hash on the index and skips it.
        var again = uvPublish(wheel, List.of("--check-url", index.url("/dev/simple/")));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(release("uv-made", "2.0").revision()).isEqualTo(first.revision());
        var installed = index.pip(index.env.freshClientVenv(), "install", "--index-url",
                AccessFixture.withKey(index.server(), readKey, "/dev/simple/"), "uv-made==2.0");
        toolOutputs.append(installed.output());
        assertThat(installed.exitCode()).as(installed.output()).isZero();
    }

    @Test
    void aDownloadKeyCannotUploadAndAProjectPatternLimitsAPublishKey() throws Exception {
        Path dir = TestEnvironment.tempDir("scope");
        Path wheel = TinyWheels.write(dir, "scoped", "1.0");
        long blobs = blobCount();
        var denied = twine(readKey, List.of(), List.of(wheel));
        assertThat(denied.exitCode()).isNotZero();
        assertThat(denied.output()).contains("403");
        var outsidePattern = twine(acmeKey, List.of(), List.of(wheel));
        assertThat(outsidePattern.exitCode()).isNotZero();
        assertThat(outsidePattern.output()).contains("403");
        assertThat(release("scoped", "1.0")).isNull();
        assertThat(blobCount()).isEqualTo(blobs);

        Path acme = TinyWheels.write(dir, "acme-tools", "1.0");
        var inside = twine(acmeKey, List.of(), List.of(acme));
        assertThat(inside.exitCode()).as(inside.output()).isZero();
        assertThat(release("acme-tools", "1.0")).isNotNull();
        // A publish-only key does not read.
        assertThat(index.get("/dev/simple/", "Authorization", "Bearer " + acmeKey).statusCode()).isEqualTo(403);
    }

    @Test
    void anIndexWithoutAccessControlTakesNoUploads() {
        try (var open = new io.pypub.server.index.IndexService(index.deployment.clients(),
                io.pypub.server.index.IndexSettings.defaults())) {
            var r = open.handle(new io.pypub.server.exchange.IndexRequest("POST", "/dev/legacy/", Map.of(),
                    Map.of("Content-Type", "multipart/form-data; boundary=x"), "127.0.0.1"));
            assertThat(r.status()).isEqualTo(403);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("uploads need access control");
        }
    }

    @Test
    void aFileNameIsNeverReusedWithOtherBytes() throws Exception {
        Path first = TestEnvironment.tempDir("reuse-1");
        Path second = TestEnvironment.tempDir("reuse-2");
        Path original = TinyWheels.write(first, "reused", "1.0");
        Path other = TinyWheels.write(second, "reused", "1.0", "Summary: other bytes\n", "");
        assertThat(twine(publishKey, List.of(), List.of(original)).exitCode()).isZero();
        Release before = release("reused", "1.0");
        long blobs = blobCount();

        var refused = twine(publishKey, List.of(), List.of(other));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("400", "File already exists");
        // twine 6 allows --skip-existing only towards pypi.org; uv publish reads the same answer.
        var uv = uvPublish(other, List.of());
        assertThat(uv.exitCode()).isNotZero();
        assertThat(uv.output()).contains("File already exists");
        Release after = release("reused", "1.0");
        assertThat(after.revision()).isEqualTo(before.revision());
        assertThat(after.files().get(0).sha256()).isEqualTo(before.files().get(0).sha256());
        assertThat(blobCount()).isEqualTo(blobs);
    }

    @Test
    void aDigestOrNameMismatchIsRefusedAndNothingIsRecorded() throws Exception {
        Path dir = TestEnvironment.tempDir("mismatch");
        Path wheel = TinyWheels.write(dir, "mismatched", "1.0");
        byte[] bytes = Files.readAllBytes(wheel);
        String sha = FileDigest.sha256Hex(bytes);
        long blobs = blobCount();

        Map<String, String> fields = TwineForm.fields("mismatched", "1.0", "0".repeat(64));
        HttpResponse<String> digest = post(publishKey, fields, wheel.getFileName().toString(), bytes);
        assertThat(digest.statusCode()).isEqualTo(400);
        assertThat(digest.body()).contains("Digest mismatch");

        HttpResponse<String> name = post(publishKey, TwineForm.fields("other-name", "1.0", sha), wheel.getFileName().toString(), bytes);
        assertThat(name.statusCode()).isEqualTo(400);
        assertThat(name.body()).contains("other-name", "mismatched 1.0");

        HttpResponse<String> version = post(publishKey, TwineForm.fields("mismatched", "1.1", sha), wheel.getFileName().toString(), bytes);
        assertThat(version.statusCode()).isEqualTo(400);

        HttpResponse<String> noKey = post(null, TwineForm.fields("mismatched", "1.0", sha), wheel.getFileName().toString(), bytes);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(release("mismatched", "1.0")).isNull();
        assertThat(blobCount()).isEqualTo(blobs);

        HttpResponse<String> ok = post(publishKey, TwineForm.fields("mismatched", "1.0", sha), wheel.getFileName().toString(), bytes);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void aTruncatedOrOversizeBodyIsRefusedAndNothingIsRecorded() throws Exception {
        Path dir = TestEnvironment.tempDir("truncated");
        Path wheel = TinyWheels.write(dir, "cut-short", "1.0");
        byte[] bytes = Files.readAllBytes(wheel);
        String sha = FileDigest.sha256Hex(bytes);
        String boundary = "b0undary1234";
        byte[] body = TwineForm.body(boundary, TwineForm.fields("cut-short", "1.0", sha), wheel.getFileName().toString(), bytes);
        long blobs = blobCount();

        // Half the body, then the client stops sending.
        String truncated = raw("POST /dev/legacy/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + publishKey
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n", java.util.Arrays.copyOf(body, body.length / 2));
        assertThat(truncated).startsWith("HTTP/1.1 400");
        assertThat(release("cut-short", "1.0")).isNull();

        // 200 MB announced: refused from the header, before a byte of the body is read.
        long started = System.nanoTime();
        String oversize = raw("POST /dev/legacy/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + publishKey
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: 200000000"
                + "\r\nConnection: close\r\n\r\n", new byte[0]);
        assertThat(oversize).startsWith("HTTP/1.1 413");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(release("cut-short", "1.0")).isNull();
        assertThat(blobCount()).isEqualTo(blobs);
    }

    @Test
    void fourClientsUploadingFilesOfOneVersionAtOnceEndWithOneRecordHoldingEveryFile() throws Exception {
        List<String> tags = List.of("py3", "py38", "py39", "py310");
        List<Path> wheels = new ArrayList<>();
        for (String tag : tags) {
            Path dir = TestEnvironment.tempDir("concurrent-" + tag);
            Path wheel = TinyWheels.write(dir, "together", "1.0", "Summary: built for " + tag + "\n", "");
            wheels.add(Files.move(wheel, dir.resolve("together-1.0-" + tag + "-none-any.whl")));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (Path wheel : wheels) {
                answers.add(pool.submit(() -> {
                    byte[] bytes = Files.readAllBytes(wheel);
                    String sha = FileDigest.sha256Hex(bytes);
                    start.await();
                    return post(publishKey, TwineForm.fields("together", "1.0", sha), wheel.getFileName().toString(), bytes);
                }));
            }
            start.countDown();
            for (var a : answers) {
                HttpResponse<String> r = a.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(release("together", "1.0").files()).extracting(f -> f.filename())
                .containsExactlyInAnyOrderElementsOf(wheels.stream().map(w -> w.getFileName().toString()).toList());
        for (var f : release("together", "1.0").files()) {
            assertThat(index.deployment.store().head(f.objectKey())).isPresent();
        }
    }



    private static HttpResponse<String> post(String key, Map<String, String> fields, String filename, byte[] content)
            throws Exception {
        String boundary = "pypubtestboundary";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(legacyUrl()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(TwineForm.body(boundary, fields, filename, content)));
        if (key != null) {
            b.header("Authorization", AccessFixture.basic("__token__", key));
        }
        return index.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code head} and {@code body} on a plain socket, half-closes it, and returns what the server answered. */
    private static String raw(String head, byte[] body) throws IOException {
        URI u = index.server().localUrl();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
