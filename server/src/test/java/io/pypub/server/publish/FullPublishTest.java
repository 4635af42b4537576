package io.pypub.server.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.slack.FakeSlack;
import io.pypub.core.notify.slack.SlackDestination;
import io.pypub.core.notify.slack.SlackNotifier;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's end-to-end promise on a package with two modules and a private dependency: sdist,
 * wheel, metadata and docs in S3 with the right keys and types, hashes in DynamoDB, one Slack
 * message, and pip installing by hash.
 */
class FullPublishTest {
    private static final Stage DEV = Stage.of("dev");
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void publishesEverythingAndPipInstallsByHash() throws Exception {
        try (Deployment d = env.newDeployment();
                IndexServer server = new IndexServer(new IndexService(d.clients(), IndexSettings.defaults()), "127.0.0.1", 0).start();
                FakeSlack slack = FakeSlack.start()) {
            String base = server.localUrl().toString();
            PublishResult dependency = d.pipeline(Notifier.NONE).publish(request(env.copyOfExample("hello-package"), base), new RecordingLog());
            // As on a Jenkins agent: an interpreter with the build tools and the project's own
            // dependencies (pdoc imports the package), the private one installed from our index.
            PythonEnvironment builder = env.freshClientVenv();
            TestEnvironment.run(List.of(builder.python().toString(), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "build==1.6.1", "pdoc==16.0.0", "setuptools==80.9.0", "wheel==0.45.1"));
            TestEnvironment.run(List.of(builder.python().toString(), "-m", "pip", "install", "--isolated", "--disable-pip-version-check",
                    "-q", "--no-cache-dir", "--index-url", base + "/dev/simple/", "hello-package"));
            Notifier toSlack = new SlackNotifier(SlackDestination.webhook(slack.webhookUrl()));
            RecordingLog log = new RecordingLog();
            PublishResult result = d.pipeline(toSlack).publish(PublishRequest.builder(env.copyOfExample("acme-utils"), DEV)
                    .python(builder.python().toString())
                    .buildIsolation(false)
                    .indexUrl(base)
                    .publishedBy("https://jenkins.example.com/job/acme/42/")
                    .build(), log);

            // DynamoDB: the release, with hashes that match the stored bytes.
            Release recorded = d.versions().release(DEV, "acme-utils", Version.parse("1.0.0")).orElseThrow();
            assertThat(recorded.docsPrefix()).matches("docs/dev/acme-utils/1\\.0\\.0/[0-9a-f]{16}/");
            assertThat(recorded.files()).hasSize(2);
            for (ReleaseFile f : recorded.files()) {
                try (InputStream in = d.store().open(f.objectKey())) {
                    assertThat(FileDigest.of(in).sha256()).isEqualTo(f.sha256());
                }
            }
            ReleaseFile sdist = recorded.files().get(0);
            ReleaseFile wheel = recorded.files().get(1);
            assertThat(sdist.filename()).isEqualTo("acme_utils-1.0.0.tar.gz");
            assertThat(wheel.filename()).isEqualTo("acme_utils-1.0.0-py3-none-any.whl");

            // S3: the storage contract's keys (content-addressed files and metadata, docs under a per-publish
            // prefix), each with its real content type, and nothing else.
            Map<String, String> types = new TreeMap<>();
            for (String key : d.s3Snapshot().keySet()) {
                types.put(key, d.clients().s3().headObject(b -> b.bucket(d.settings().bucket()).key(key)).contentType());
            }
            String docs = recorded.docsPrefix();
            assertThat(types).containsEntry("blobs/sha256/" + sdist.sha256().substring(0, 2) + "/" + sdist.sha256(), "application/octet-stream")
                    .containsEntry("blobs/sha256/" + wheel.sha256().substring(0, 2) + "/" + wheel.sha256(), "application/octet-stream")
                    .containsEntry("blobs/sha256/" + wheel.metadataSha256().substring(0, 2) + "/" + wheel.metadataSha256(),
                            "text/plain; charset=utf-8")
                    .containsEntry(docs + "index.html", "text/html; charset=utf-8")
                    .containsEntry(docs + "acme_text.html", "text/html; charset=utf-8")
                    .containsEntry(docs + "acme_math.html", "text/html; charset=utf-8")
                    .containsEntry(docs + "search.js", "text/javascript; charset=utf-8");
            assertThat(types.keySet()).allMatch(k -> k.startsWith("blobs/sha256/") || k.startsWith("docs/dev/"));

            // Slack: exactly one well-formed success message, with links to the index and the docs.
            FakeSlack.Received message = slack.take();
            assertThat(slack.requestCount()).isZero();
            JsonNode json = message.json();
            assertThat(json.path("text").asText()).contains("acme-utils").contains("1.0.0").contains("dev");
            JsonNode attachment = json.path("attachments").get(0);
            assertThat(attachment.path("color").asText()).isEqualTo("good");
            assertThat(attachment.toString()).contains(base + "/dev/simple/acme-utils/").contains(base + "/dev/docs/acme-utils/1.0.0/");
            assertThat(log.text()).contains("Notified Slack");

            // pip: install both private packages by hash, and use them.
            Path requirements = Files.createTempFile("requirements-", ".txt");
            List<String> lines = new ArrayList<>();
            for (PublishResult r : List.of(dependency, result)) {
                StringBuilder line = new StringBuilder(r.release().project() + "==" + r.release().version());
                r.release().files().forEach(f -> line.append(" --hash=sha256:").append(f.sha256()));
                lines.add(line.toString());
            }
            Files.write(requirements, lines);
            PythonEnvironment client = env.freshClientVenv();
            String out = TestEnvironment.run(List.of(client.python().toString(), "-m", "pip", "install", "--isolated",
                    "--disable-pip-version-check", "--no-cache-dir", "--require-hashes", "--index-url", base + "/dev/simple/",
                    "-r", requirements.toString()));
            assertThat(out).contains("Successfully installed").contains("acme-utils-1.0.0").contains("hello-package-0.1.0");
            String used = TestEnvironment.run(List.of(client.python().toString(), "-c",
                    "from acme_text import shout; from acme_math import mean; print(shout('pip'), mean([1, 2, 3]))"));
            assertThat(used.strip()).isEqualTo("HELLO, PIP! 2.0");
        }
    }

    private PublishRequest request(Path project, String indexUrl) {
        return PublishRequest.builder(project, DEV)
                .python(env.python().python().toString())
                .buildIsolation(false)
                .indexUrl(indexUrl)
                .publishedBy("https://jenkins.example.com/job/acme/42/")
                .build();
    }
}
