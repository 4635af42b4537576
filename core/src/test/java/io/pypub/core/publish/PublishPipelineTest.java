package io.pypub.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.error.PublishException;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublishPipelineTest {
    private static final Stage DEV = Stage.of("dev");
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment deployment;

    @BeforeEach
    void setUp() {
        deployment = env.newDeployment();
    }

    @AfterEach
    void tearDown() {
        deployment.close();
    }

    private PublishRequest request(Path project) {
        return PublishRequest.builder(project, DEV)
                .python(env.python().python().toString())
                .buildIsolation(false)
                .publishedBy("test")
                .build();
    }

    @Test
    void publishesSdistAndWheelUnderTheStorageContractAndRecordsTheRelease() throws Exception {
        RecordingLog log = new RecordingLog();
        PublishResult result = deployment.pipeline().publish(request(env.copyOfExample("hello-package")), log);

        Release release = result.release();
        assertThat(release.project()).isEqualTo("hello-package");
        assertThat(release.version()).isEqualTo(Version.parse("0.1.0"));
        assertThat(release.files()).extracting(ReleaseFile::filename)
                .containsExactly("hello_package-0.1.0.tar.gz", "hello_package-0.1.0-py3-none-any.whl");
        // Content-addressed keys: blobs/sha256/{first two hex digits}/{sha256}.
        assertThat(release.files()).allSatisfy(f ->
                assertThat(f.objectKey()).isEqualTo("blobs/sha256/" + f.sha256().substring(0, 2) + "/" + f.sha256()));

        // What DynamoDB says matches, byte for byte, what S3 holds.
        Release recorded = deployment.versions().release(DEV, "hello-package", Version.parse("0.1.0")).orElseThrow();
        for (ReleaseFile f : recorded.files()) {
            try (InputStream in = deployment.store().open(f.objectKey())) {
                FileDigest actual = FileDigest.of(in);
                assertThat(actual.sha256()).isEqualTo(f.sha256());
                assertThat(actual.size()).isEqualTo(f.size());
            }
            assertThat(f.requiresPython()).isEqualTo(">=3.9");
        }
        ReleaseFile wheel = recorded.files().stream().filter(f -> f.packageType() == PackageType.WHEEL).findFirst().orElseThrow();
        assertThat(StorageLayout.metadataKey(wheel)).isEqualTo("blobs/sha256/" + wheel.metadataSha256().substring(0, 2) + "/"
                + wheel.metadataSha256());
        try (InputStream in = deployment.store().open(StorageLayout.metadataKey(wheel))) {
            byte[] metadata = in.readAllBytes();
            assertThat(new String(metadata)).contains("Name: hello-package").contains("Version: 0.1.0");
            assertThat(FileDigest.sha256Hex(metadata)).isEqualTo(wheel.metadataSha256());
        }
        assertThat(recorded.summary()).isEqualTo("A tiny example library published with pypub");

        assertThat(deployment.versions().latest(DEV, "hello-package").orElseThrow().version()).isEqualTo("0.1.0");
        assertThat(deployment.versions().latest(DEV, "hello-package").orElseThrow().objectKey())
                .isEqualTo(release.files().get(0).objectKey());
        assertThat(deployment.versions().projects(DEV)).singleElement()
                .satisfies(p -> assertThat(p.latestVersion()).isEqualTo("0.1.0"));
        assertThat(log.text()).contains("latest of hello-package in 'dev' is now 0.1.0");
    }

    @Test
    void publishingTheSameVersionTwiceFailsAndChangesNothing() {
        Path project = env.copyOfExample("hello-package");
        deployment.pipeline().publish(request(project), new RecordingLog());
        var s3Before = deployment.s3Snapshot();
        var tableBefore = deployment.tableSnapshot();

        RecordingLog again = new RecordingLog();
        assertThatThrownBy(() -> deployment.pipeline().publish(request(project), again))
                .isInstanceOf(ReleaseExistsException.class)
                .hasMessageContaining("hello-package 0.1.0 is already published in stage 'dev'")
                .hasMessageContaining("--overwrite")
                .hasMessageContaining("nothing was built");
        // The version is stated in pyproject.toml: refused before the build, which is where the time goes.
        assertThat(again.text()).doesNotContain("Built ");

        assertThat(deployment.s3Snapshot()).isEqualTo(s3Before);
        assertThat(deployment.tableSnapshot()).isEqualTo(tableBefore);
    }

    @Test
    void aVersionAlreadyPublishedStopsTheBuildThatStartedAlongsideTheCheck() throws Exception {
        Path project = env.copyOfExample("hello-package");
        deployment.pipeline().publish(request(project), new RecordingLog());
        var s3Before = deployment.s3Snapshot();
        var tableBefore = deployment.tableSnapshot();
        // A build that would run for minutes: it must be stopped, not left running, when the version is refused.
        Path tools = java.nio.file.Files.createTempDirectory("pypub-slow-build-");
        Path pid = tools.resolve("pid");
        Path python = tools.resolve("python");
        java.nio.file.Files.writeString(python, "#!/bin/sh\necho $$ > '" + pid + "'\nexec sleep 300\n");
        python.toFile().setExecutable(true);

        RecordingLog again = new RecordingLog();
        assertThatThrownBy(() -> deployment.pipeline().publish(PublishRequest.builder(project, DEV).python(python.toString())
                .publishedBy("test").build(), again))
                .isInstanceOf(ReleaseExistsException.class)
                .hasMessageContaining("hello-package 0.1.0 is already published in stage 'dev'");
        assertThat(again.text()).doesNotContain("Building"); // as when the build started only after the check
        if (java.nio.file.Files.exists(pid)) {
            long started = Long.parseLong(java.nio.file.Files.readString(pid).strip());
            ProcessHandle.of(started).ifPresent(p -> p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
        }
        assertThat(deployment.s3Snapshot()).isEqualTo(s3Before);
        assertThat(deployment.tableSnapshot()).isEqualTo(tableBefore);
        io.pypub.core.util.FileTrees.deleteQuietly(tools);
    }

    @Test
    void aFailingBuildShowsTheToolsOutputAndWritesNothing() throws Exception {
        Path project = env.copyOfExample("hello-package");
        java.nio.file.Files.writeString(project.resolve("pyproject.toml"), "[project\nname = broken");

        assertThatThrownBy(() -> deployment.pipeline().publish(request(project), new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("The build failed")
                .hasMessageContaining("pyproject.toml");
        assertThat(deployment.s3Snapshot()).isEmpty();
        assertThat(deployment.tableSnapshot()).isEmpty();
    }

    @Test
    void aVersionSuffixMakesADevBuildAndLeavesTheProjectAsItWas() throws Exception {
        Path project = env.copyOfExample("hello-package");
        PublishResult result = deployment.pipeline().publish(PublishRequest.builder(project, DEV)
                .python(env.python().python().toString())
                .buildIsolation(false)
                .docs(false)
                .versionSuffix(".dev42")
                .build(), new RecordingLog());

        assertThat(result.release().version().normalized()).isEqualTo("0.1.0.dev42");
        assertThat(result.release().files()).extracting(ReleaseFile::filename)
                .containsExactly("hello_package-0.1.0.dev42.tar.gz", "hello_package-0.1.0.dev42-py3-none-any.whl");
        assertThat(project.resolve("setup.cfg")).doesNotExist();
    }

    @Test
    void aVersionSuffixOnANonSetuptoolsBackendIsRefusedWithAHint() throws Exception {
        Path project = env.copyOfExample("hello-package");
        java.nio.file.Files.writeString(project.resolve("pyproject.toml"), java.nio.file.Files.readString(project.resolve("pyproject.toml"))
                .replace("setuptools.build_meta", "hatchling.build"));
        assertThatThrownBy(() -> deployment.pipeline().publish(PublishRequest.builder(project, DEV)
                .python(env.python().python().toString()).versionSuffix(".dev1").build(), new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("hatch version");
        assertThat(deployment.tableSnapshot()).isEmpty();
    }

    @Test
    void aSuffixedVersionAlreadyPublishedIsRefusedBeforeBuilding() throws Exception {
        Path project = env.copyOfExample("hello-package");
        PublishRequest dev7 = PublishRequest.builder(project, DEV).python(env.python().python().toString())
                .buildIsolation(false).docs(false).versionSuffix(".dev7").publishedBy("test").build();
        deployment.pipeline().publish(dev7, new RecordingLog());

        RecordingLog again = new RecordingLog();
        assertThatThrownBy(() -> deployment.pipeline().publish(dev7, again))
                .isInstanceOf(ReleaseExistsException.class)
                .hasMessageContaining("hello-package 0.1.0.dev7 is already published in stage 'dev'");
        assertThat(again.text()).doesNotContain("Built ").doesNotContain("Version suffix");
        assertThat(project.resolve("setup.cfg")).doesNotExist();
    }

    @Test
    void aVersionEqualUnderPep440IsAlreadyPublished() throws Exception {
        Path project = env.copyOfExample("hello-package");
        deployment.pipeline().publish(request(project), new RecordingLog());
        var s3Before = deployment.s3Snapshot();
        java.nio.file.Files.writeString(project.resolve("pyproject.toml"),
                java.nio.file.Files.readString(project.resolve("pyproject.toml")).replace("0.1.0", "0.1"));

        assertThatThrownBy(() -> deployment.pipeline().publish(request(project), new RecordingLog()))
                .isInstanceOf(ReleaseExistsException.class)
                .hasMessageContaining("hello-package 0.1 is already published")
                .hasMessageContaining("Nothing was uploaded");
        assertThat(deployment.s3Snapshot()).isEqualTo(s3Before);
    }
}
