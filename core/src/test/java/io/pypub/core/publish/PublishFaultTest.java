package io.pypub.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.error.PublishException;
import io.pypub.core.notify.Notifier;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.testing.EmbeddedBackends;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures in the middle of a publish, on servers of their own (these tests kill them): each
 * leaves no release record pointing at missing objects, says what failed, and a re-run succeeds.
 */
class PublishFaultTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Version V010 = Version.parse("0.1.0");
    private final TestEnvironment env = TestEnvironment.get();
    private EmbeddedBackends aws;
    private AwsClients clients;

    @BeforeEach
    void startServers() throws Exception {
        aws = EmbeddedBackends.start(env.python(), TestEnvironment.tempDir("pypub-fault-logs-"));
        clients = aws.clients(aws.defaultSettings());
        new StorageProvisioner(clients).ensureAll();
    }

    @AfterEach
    void stopServers() {
        clients.close();
        aws.close();
    }

    /** A log that runs an action once, when a line starting with {@code trigger} is written. */
    private static RecordingLog failingAt(String trigger, Runnable action) {
        return new RecordingLog() {
            private boolean fired;

            @Override
            public void info(String message) {
                super.info(message);
                if (!fired && message.startsWith(trigger)) {
                    fired = true;
                    action.run();
                }
            }
        };
    }

    private PublishRequest request(Path project) {
        return PublishRequest.builder(project, DEV).python(env.python().python().toString()).buildIsolation(false).docs(false).build();
    }

    private PublishPipeline pipeline() {
        return PublishPipeline.on(clients, new LocalCommandRunner(), Notifier.NONE);
    }

    private DynamoVersionTable versions() {
        return new DynamoVersionTable(clients.dynamo(), clients.settings().versionTable());
    }

    @Test
    void s3StoppedMidUploadLeavesNoReleaseAndTheRetrySucceeds() throws Exception {
        Path project = env.copyOfExample("hello-package");
        // The files go up together on one pool: S3 stops as they start, so every put fails.
        RecordingLog log = failingAt("Uploading hello_package-0.1.0.tar.gz, hello_package-0.1.0-py3-none-any.whl to s3://",
                () -> aws.s3Server().stop());

        assertThatThrownBy(() -> pipeline().publish(request(project), log))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("Uploading hello_package-0.1.0.tar.gz: Upload of s3://" + EmbeddedBackends.BUCKET
                        + "/blobs/sha256/");
        assertThat(versions().releases(DEV, "hello-package")).isEmpty();
        assertThat(versions().latest(DEV, "hello-package")).isEmpty();

        // S3 comes back (empty, as after losing the bucket); the re-run publishes everything.
        aws.s3Server().restart();
        new StorageProvisioner(clients).ensureAll();
        PublishResult retry = pipeline().publish(request(project), new RecordingLog());
        assertRecordMatchesObjects(retry.release());
    }

    @Test
    void dynamoDbRefusingTheTransactionLeavesNoReleaseAndTheRetrySucceeds() throws Exception {
        Path project = env.copyOfExample("hello-package");
        RecordingLog log = failingAt("Uploaded hello_package-0.1.0-py3-none-any.whl", () -> aws.dynamoServer().stop());

        assertThatThrownBy(() -> pipeline().publish(request(project), log))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("DynamoDB table " + AwsSettings.DEFAULT_VERSION_TABLE);

        aws.dynamoServer().restart();
        new StorageProvisioner(clients).ensureAll();
        assertThat(versions().releases(DEV, "hello-package")).isEmpty();

        // The objects of the failed run are unreferenced; the re-run uploads the same bytes to the same keys and records.
        PublishResult retry = pipeline().publish(request(project), new RecordingLog());
        assertRecordMatchesObjects(retry.release());
        assertThat(versions().latest(DEV, "hello-package").orElseThrow().version()).isEqualTo("0.1.0");
    }

    @Test
    void aBuildThatFailsThenGetsFixedPublishesOnRetry() throws Exception {
        Path project = env.copyOfExample("hello-package");
        Path init = project.resolve("src/hello_package/__init__.py");
        String good = Files.readString(init);
        Files.writeString(project.resolve("pyproject.toml"),
                Files.readString(project.resolve("pyproject.toml")).replace("requires-python = \">=3.9\"", "requires-python = >=3.9"));

        assertThatThrownBy(() -> pipeline().publish(request(project), new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("The build failed")
                .hasMessageContaining("Last lines of its output");
        assertThat(versions().releases(DEV, "hello-package")).isEmpty();

        Files.copy(env.example("hello-package").resolve("pyproject.toml"), project.resolve("pyproject.toml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(init)).isEqualTo(good);
        assertRecordMatchesObjects(pipeline().publish(request(project), new RecordingLog()).release());
    }

    private void assertRecordMatchesObjects(Release published) throws Exception {
        Release recorded = versions().release(DEV, "hello-package", V010).orElseThrow();
        assertThat(recorded.files()).extracting(ReleaseFile::sha256)
                .containsExactlyElementsOf(published.files().stream().map(ReleaseFile::sha256).toList());
        S3ArtifactStore store = new S3ArtifactStore(clients.s3(), clients.settings().bucket());
        for (ReleaseFile f : recorded.files()) {
            try (InputStream in = store.open(f.objectKey())) {
                assertThat(FileDigest.of(in).sha256()).isEqualTo(f.sha256());
            }
        }
    }

    @Test
    void aSecondPublishOfTheSameVersionDuringAnUploadRacesOnlyAtTheRecordAndNoBytesAreReplaced() throws Exception {
        Path first = env.copyOfExample("hello-package");
        Path second = env.copyOfExample("hello-package");
        Files.writeString(second.resolve("README.md"), "A different build of the same version.\n");
        PublishResult[] secondOutcome = new PublishResult[1];
        // The second build runs whole while the first is between its sdist upload and its record.
        RecordingLog log = failingAt("Uploaded hello_package-0.1.0.tar.gz", () ->
                secondOutcome[0] = pipeline().publish(request(second), new RecordingLog()));

        assertThatThrownBy(() -> pipeline().publish(request(first), log))
                .isInstanceOf(io.pypub.core.storage.ReleaseExistsException.class)
                .hasMessageContaining("hello-package 0.1.0 is already published in stage 'dev'");

        // The first one lost at its record and changed nothing anyone sees: the record is the second's, and
        // every object it references holds exactly the bytes it states (the first's objects have other keys).
        assertRecordMatchesObjects(secondOutcome[0].release());
        // No lease is left behind: the next version publishes at once.
        Files.writeString(second.resolve("pyproject.toml"), Files.readString(second.resolve("pyproject.toml")).replace("0.1.0", "0.1.1"));
        assertThat(pipeline().publish(request(second), new RecordingLog()).release().version().normalized()).isEqualTo("0.1.1");
    }
}
