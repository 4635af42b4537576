package io.pypub.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.error.PublishException;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Docs of a package whose dependency is private: acme-utils imports hello_package, which is only in
 * the stage, not in the interpreter that publishes. This is the path both {@code pypub publish} and
 * the Jenkins step take (core's pipeline with the caller's interpreter).
 */
class DocsDependenciesTest {
    private static final Stage DEV = Stage.of("dev");
    private static final TestEnvironment env = TestEnvironment.get();
    private Deployment deployment;

    @BeforeEach
    void setUp() {
        deployment = env.newDeployment();
    }

    @AfterEach
    void tearDown() {
        deployment.close();
    }

    private PublishRequest request(String example) {
        return PublishRequest.builder(env.copyOfExample(example), DEV)
                .python(env.python().python().toString())
                .buildIsolation(false)
                .publishedBy("test")
                .build();
    }

    @Test
    void aPackageWhosePrivateDependencyIsOnlyInTheStageGetsItsDocs() throws Exception {
        // The premise: the publishing interpreter cannot import the dependency itself.
        var probe = new LocalCommandRunner().run(List.of(env.python().python().toString(), "-c", "import hello_package"),
                Path.of("").toAbsolutePath(), Map.of(), Duration.ofMinutes(1), line -> {});
        assertThat(probe.ok()).as("hello_package must not be installed in the test interpreter").isFalse();

        deployment.pipeline().publish(request("hello-package"), new RecordingLog());
        RecordingLog log = new RecordingLog();
        PublishResult acme = deployment.pipeline().publish(request("acme-utils"), log);

        assertThat(acme.release().docsPrefix()).isNotNull();
        assertThat(log.text()).contains("Installing acme_utils-1.0.0-py3-none-any.whl with its dependencies from stage 'dev'");
        String page = new String(deployment.clients().s3().getObjectAsBytes(b -> b.bucket(deployment.settings().bucket())
                .key(acme.release().docsPrefix() + "acme_text.html")).asByteArray(), StandardCharsets.UTF_8);
        assertThat(page).contains("shout").contains("Greet");
    }

    @Test
    void aDependencyTheStageDoesNotHaveFailsTheDocsWithPipsMessageAndUploadsNothing() {
        var s3Before = deployment.s3Snapshot();
        var tableBefore = deployment.tableSnapshot();

        assertThatThrownBy(() -> deployment.pipeline().publish(request("acme-utils"), new RecordingLog()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("pip could not install the package's dependencies from stage 'dev'")
                .hasMessageContaining("hello-package")
                .hasMessageContaining("To reproduce: " + env.python().python() + " -m pip install --index-url "
                        + "https://INDEX-HOST/dev/simple/ acme_utils-1.0.0-py3-none-any.whl")
                .hasMessageContaining("--no-docs");
        assertThat(deployment.s3Snapshot()).isEqualTo(s3Before);
        assertThat(deployment.tableSnapshot()).isEqualTo(tableBefore);
    }
}
