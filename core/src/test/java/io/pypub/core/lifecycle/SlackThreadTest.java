package io.pypub.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.release.SlackThread;
import io.pypub.core.notify.slack.FakeSlack;
import io.pypub.core.notify.slack.SlackClient;
import io.pypub.core.notify.slack.SlackDestination;
import io.pypub.core.notify.slack.SlackNotifier;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One Slack thread per release, end to end: a real publish (real S3 and DynamoDB API servers) announced with a bot
 * token, the message's channel and ts stored with the release, and every lifecycle operation replying in that thread
 * (production ones broadcast), against the local Slack stand-in that checks thread_ts and reply_broadcast.
 */
class SlackThreadTest {
    private static final Stage TEST = Stage.of("test");
    private static final Stage PROD = Stage.of("prod");
    private static final String PROJECT = "hello-package";

    private final TestEnvironment env = TestEnvironment.get();
    private final RecordingLog log = new RecordingLog();
    private Deployment deployment;
    private DynamoVersionTable versions;
    private FakeSlack slack;

    @BeforeEach
    void setUp() throws Exception {
        deployment = env.newDeployment();
        versions = deployment.versions();
        slack = FakeSlack.start();
    }

    @AfterEach
    void tearDown() {
        slack.close();
        deployment.close();
    }

    private SlackNotifier bot() {
        return new SlackNotifier(SlackDestination.bot(FakeSlack.TOKEN, FakeSlack.CHANNEL, slack.apiBase()), new SlackClient(),
                versions.releaseThreads());
    }

    private void publish(io.pypub.core.notify.Notifier notifier) {
        deployment.pipeline(notifier).publish(PublishRequest.builder(env.copyOfExample(PROJECT), TEST)
                .python(env.python().python().toString())
                .buildIsolation(false)
                .docs(false)
                .publishedBy("https://ci.example.com/job/hello/1/")
                .build(), log);
    }

    private Map<String, AttributeValue> item(Stage stage) {
        return deployment.tableSnapshot().stream()
                .filter(i -> i.get("pk").s().equals(stage.name() + "#" + PROJECT) && i.get("sk").s().equals("v#0.1.0"))
                .findFirst().orElseThrow();
    }

    private static void assertReply(JsonNode json, String ts, boolean broadcast) {
        assertThat(json.path("thread_ts").asText()).isEqualTo(ts);
        assertThat(json.has("reply_broadcast")).isEqualTo(broadcast);
        if (broadcast) {
            assertThat(json.path("reply_broadcast").asBoolean()).isTrue();
        }
    }

    @Test
    void thePublishMessageStartsTheThreadAndEveryLifecycleOperationRepliesInIt() throws Exception {
        SlackNotifier notifier = bot();
        publish(notifier);

        JsonNode published = slack.take().json();
        assertThat(published.has("thread_ts")).as("the publish message starts the thread").isFalse();
        Map<String, AttributeValue> testItem = item(TEST);
        assertThat(testItem.get("slack_channel").s()).isEqualTo(FakeSlack.CHANNEL_ID);
        String ts = testItem.get("slack_ts").s();
        assertThat(ts).matches("1700000000\\.\\d{6}");
        assertThat(versions.releaseThreads().find(TEST, PROJECT, "0.1.0")).contains(new SlackThread(FakeSlack.CHANNEL_ID, ts));

        ReleaseLifecycle lifecycle = new ReleaseLifecycle(versions).notifying(notifier, log);
        lifecycle.yank(TEST, PROJECT, "0.1.0", "broken wheel", "alice@laptop");
        JsonNode yank = slack.take().json();
        assertReply(yank, ts, false);
        assertThat(yank.path("text").asText()).isEqualTo("Yanked hello-package 0.1.0 in test");
        assertThat(yank.path("attachments").get(0).path("text").asText()).startsWith("Yanked hello-package 0.1.0 in stage 'test'");
        assertThat(yank.path("attachments").get(0).toString()).contains("broken wheel");

        lifecycle.unyank(TEST, PROJECT, "0.1.0", "alice@laptop");
        assertReply(slack.take().json(), ts, false);

        ReleasePromoter.on(deployment.clients()).notifying(notifier)
                .promote(PROJECT, "0.1.0", TEST, PROD, "https://ci.example.com/job/release/7/", log);
        JsonNode promote = slack.take().json();
        assertReply(promote, ts, true);
        assertThat(promote.path("text").asText()).isEqualTo("Promoted hello-package 0.1.0 from test to prod");
        // The promoted release keeps the thread: prod's operations reply there too, and broadcast.
        assertThat(item(PROD).get("slack_ts").s()).isEqualTo(ts);

        lifecycle.rollback(PROD, PROJECT, "0.1.0", "regression in 0.2.0", "https://ci.example.com/job/release/8/");
        assertReply(slack.take().json(), ts, true);
        lifecycle.unpin(PROD, PROJECT, "https://ci.example.com/job/release/9/");
        assertReply(slack.take().json(), ts, true);

        // An operation that changed nothing says nothing.
        lifecycle.unpin(PROD, PROJECT, "https://ci.example.com/job/release/9/");
        assertThat(slack.requestCount()).isZero();
        assertThat(log.text()).doesNotContain("was not sent").doesNotContain("was not stored").doesNotContain(FakeSlack.TOKEN);
    }

    @Test
    void aWebhookCannotThreadSoLifecycleNoticesArePlainMessages() throws Exception {
        SlackNotifier webhook = new SlackNotifier(SlackDestination.webhook(slack.webhookUrl()), new SlackClient(),
                versions.releaseThreads());
        publish(webhook);
        slack.take();
        assertThat(item(TEST)).doesNotContainKeys("slack_channel", "slack_ts");

        new ReleaseLifecycle(versions).notifying(webhook, log).yank(TEST, PROJECT, "0.1.0", "broken wheel", "alice@laptop");
        JsonNode yank = slack.take().json();
        assertThat(yank.has("thread_ts")).isFalse();
        assertThat(yank.has("reply_broadcast")).isFalse();
        assertThat(yank.path("text").asText()).isEqualTo("Yanked hello-package 0.1.0 in test");
        assertThat(log.text()).doesNotContain("was not sent");
    }

    @Test
    void aReleaseWithoutAThreadGetsAPlainMessageAndAThreadThatCannotBeStoredOnlyWarns() throws Exception {
        SlackNotifier notifier = bot();
        // Published before threads existed (or with a webhook): no thread on the item, so a plain channel message.
        publish(io.pypub.core.notify.Notifier.NONE);
        new ReleaseLifecycle(versions).notifying(notifier, log).yank(TEST, PROJECT, "0.1.0", "broken wheel", "alice@laptop");
        JsonNode yank = slack.take().json();
        assertThat(yank.has("thread_ts")).isFalse();
        assertThat(yank.path("channel").asText()).isEqualTo(FakeSlack.CHANNEL);

        // The announced release is gone from the table: the post succeeds, storing the thread only warns.
        assertThatCode(() -> notifier.published(new PublishNotice(PROJECT, PROJECT, "9.9.9", "test", List.of(), null, null,
                "alice@laptop", null, null), log)).doesNotThrowAnyException();
        slack.take();
        assertThat(log.text()).contains("The Slack thread of hello-package 9.9.9 was not stored with the release");
    }
}
