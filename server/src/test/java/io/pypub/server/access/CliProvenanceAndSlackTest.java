package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.notify.slack.FakeSlack;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.version.Version;
import io.pypub.server.cli.PypubCli;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pypub publish} in a Jenkins build's environment records the build's provenance, and the lifecycle commands
 * post to Slack like publish does (a webhook here: plain messages, as webhooks cannot thread).
 */
class CliProvenanceAndSlackTest {
    private AccessFixture index;
    private FakeSlack slack;

    @BeforeEach
    void setUp() throws Exception {
        index = new AccessFixture();
        slack = FakeSlack.start();
    }

    @AfterEach
    void tearDown() {
        slack.close();
        index.close();
    }

    private int pypub(Map<String, String> env, String... args) {
        AwsSettings s = index.deployment.settings();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bucket", s.bucket(), "--version-table", s.versionTable(), "--access-table", s.accessTable(),
                "--s3-endpoint", s.s3Endpoint().toString(), "--dynamodb-endpoint", s.dynamoEndpoint().toString(),
                "--region", s.region()));
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
        return PypubCli.run(env, all.toArray(String[]::new));
    }

    @Test
    void publishRecordsTheJenkinsEnvironmentAndYankPostsToSlack() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(Map.of("JENKINS_URL", "https://ci.example.com/", "JOB_NAME", "libs/hello", "BUILD_NUMBER", "12",
                "BUILD_URL", "https://ci.example.com/job/libs/job/hello/12/", "GIT_COMMIT", "cafebabe", "NODE_NAME", "agent-9",
                "PYPUB_SLACK_WEBHOOK_URL", slack.webhookUrl()));
        env.remove("PYPUB_SLACK_TOKEN");
        assertThat(pypub(env, "publish", index.env.copyOfExample("hello-package").toString(), "--stage", "dev",
                "--python", index.env.python().python().toString(), "--no-isolation", "--no-docs")).isZero();
        assertThat(slack.take().json().path("text").asText()).isEqualTo("Published hello-package 0.1.0 to dev");

        Release r = index.deployment.versions().release(Stage.of("dev"), "hello-package", Version.parse("0.1.0")).orElseThrow();
        assertThat(r.provenance()).isEqualTo(new Provenance("https://ci.example.com/", "libs/hello", "12",
                "https://ci.example.com/job/libs/job/hello/12/", "cafebabe", "agent-9", null, List.of()));

        assertThat(pypub(env, "yank", "hello-package", "0.1.0", "--stage", "dev", "--reason", "broken wheel")).isZero();
        JsonNode yank = slack.take().json();
        assertThat(yank.path("text").asText()).isEqualTo("Yanked hello-package 0.1.0 in dev");
        assertThat(yank.has("thread_ts")).isFalse();

        assertThat(pypub(env, "unyank", "hello-package", "0.1.0", "--stage", "dev", "--no-slack")).isZero();
        assertThat(slack.requestCount()).isZero();
    }
}
