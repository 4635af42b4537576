package io.pypub.core.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.testing.RecordingLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Talks HTTP to a local Slack stand-in, checking the requests and how each kind of answer is reported. */
class SlackNotifierTest {
    private FakeSlack slack;
    private final RecordingLog log = new RecordingLog();

    @BeforeEach
    void startSlack() throws IOException {
        slack = FakeSlack.start();
    }

    @AfterEach
    void stopSlack() {
        slack.close();
    }

    private SlackNotifier webhook() {
        return new SlackNotifier(SlackDestination.webhook(slack.webhookUrl()));
    }

    private SlackNotifier bot(String token, String channel) {
        return new SlackNotifier(SlackDestination.bot(token, channel, slack.apiBase()));
    }

    @Test
    void webhookReceivesAWellFormedSuccessMessage() throws Exception {
        webhook().published(Notices.published(), log);

        FakeSlack.Received r = slack.take();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo(FakeSlack.WEBHOOK_PATH);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.header("Authorization")).isNull();

        JsonNode json = r.json();
        assertThat(json.has("channel")).as("a webhook posts to its own channel").isFalse();
        assertThat(json.path("text").asText()).isEqualTo("Published Hello-Package 1.2.0 to dev");
        assertThat(json.path("attachments")).hasSize(1);
        JsonNode a = json.path("attachments").get(0);
        assertThat(a.path("color").asText()).isEqualTo("good");
        assertThat(a.path("title_link").asText()).isEqualTo(Notices.INDEX_URL);
        Map<String, String> fields = fields(a);
        assertThat(fields).containsEntry("Project", "Hello-Package").containsEntry("Version", "1.2.0")
                .containsEntry("Stage", "dev").containsEntry("Published by", "<" + Notices.BUILD_URL + ">");
        assertThat(fields.get("Files")).contains("`hello_package-1.2.0.tar.gz`", "`0123456789ab`", "`fedcba987654`");
        assertThat(fields.get("Links"))
                .contains("<" + Notices.INDEX_URL + "|Index page>", "<" + Notices.DOCS_URL + "|Docs>");

        assertThat(log.lines).containsExactly("Notified Slack webhook " + slack.base() + "/***.");
        assertNoSecrets();
    }

    @Test
    void botTokenPostsTheFailureMessageToTheChannelWithChatPostMessage() throws Exception {
        bot(FakeSlack.TOKEN, FakeSlack.CHANNEL).failed(Notices.failed("Build failed: python -m build exited with 1"), log);

        FakeSlack.Received r = slack.take();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/api/chat.postMessage");
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + FakeSlack.TOKEN);

        JsonNode json = r.json();
        assertThat(json.path("channel").asText()).isEqualTo(FakeSlack.CHANNEL);
        assertThat(json.path("text").asText()).isEqualTo("Publishing hello-package to prod failed");
        JsonNode a = json.path("attachments").get(0);
        assertThat(a.path("color").asText()).isEqualTo("danger");
        assertThat(a.path("text").asText()).isEqualTo("```Build failed: python -m build exited with 1```");
        assertThat(fields(a)).containsEntry("Project", "hello-package").containsEntry("Stage", "prod")
                .containsEntry("Published by", "alice@build-host");

        assertThat(log.lines).containsExactly("Notified Slack channel #releases.");
    }

    @Test
    void slackApiErrorIsAWarningNotAnException() throws Exception {
        SlackNotifier notifier = bot(FakeSlack.TOKEN, "#no-such-channel");

        assertThatCode(() -> notifier.published(Notices.published(), log)).doesNotThrowAnyException();

        assertThat(slack.take().json().path("channel").asText()).isEqualTo("#no-such-channel");
        assertThat(log.text()).startsWith("WARNING: Slack notification to Slack channel #no-such-channel was not sent: ")
                .contains("channel_not_found", "check the channel name or id")
                .contains("does not change the outcome of the publish");
        assertNoSecrets();
    }

    @Test
    void wrongTokenIsReportedWithoutTheToken() throws Exception {
        String wrong = "xoxb-9999-8888-WrongSecretToken";
        bot(wrong, FakeSlack.CHANNEL).published(Notices.published(), log);

        assertThat(slack.take().header("Authorization")).isEqualTo("Bearer " + wrong);
        assertThat(log.text()).contains("invalid_auth", "check the Slack bot token credential")
                .doesNotContain(wrong).doesNotContain("WrongSecretToken");
    }

    @Test
    void webhookHttpErrorIsAWarningWithoutTheWebhookUrl() throws Exception {
        slack.answer(500, "text/plain", "rollup_error");

        assertThatCode(() -> webhook().failed(Notices.failed("boom"), log)).doesNotThrowAnyException();

        slack.take();
        assertThat(log.text()).contains("was not sent: HTTP 500: rollup_error")
                .contains("Slack webhook " + slack.base() + "/***");
        assertNoSecrets();
    }

    @Test
    void removedWebhookIsExplained() throws Exception {
        String removed = slack.base() + "/services/T0001/B0002/RevokedHook77";
        new SlackNotifier(SlackDestination.webhook(removed)).published(Notices.published(), log);

        slack.take();
        assertThat(log.text()).contains("HTTP 404: no_service", "create a new one").doesNotContain("RevokedHook77");
    }

    @Test
    void nonJsonAnswerFromTheApiIsAWarning() throws Exception {
        slack.answer(200, "text/html", "<html>captive portal</html>");

        bot(FakeSlack.TOKEN, FakeSlack.CHANNEL).published(Notices.published(), log);

        slack.take();
        assertThat(log.text()).contains("unexpected answer from Slack (not JSON)");
        assertNoSecrets();
    }

    @Test
    void rateLimitIsAWarningWithRetryAfter() throws Exception {
        slack.rateLimit("30");

        bot(FakeSlack.TOKEN, FakeSlack.CHANNEL).published(Notices.published(), log);

        slack.take();
        assertThat(log.text()).contains("rate limited by Slack (HTTP 429, retry after 30s)");
        assertNoSecrets();
    }

    @Test
    void hangingSlackTimesOutWithAWarning() throws Exception {
        slack.hang();
        SlackClient client = new SlackClient(Duration.ofSeconds(5), Duration.ofMillis(400));
        SlackNotifier notifier = new SlackNotifier(SlackDestination.webhook(slack.webhookUrl()), client);

        long start = System.nanoTime();
        assertThatCode(() -> notifier.published(Notices.published(), log)).doesNotThrowAnyException();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        slack.take();
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        assertThat(log.text()).contains("was not sent: no answer within 400ms");
        assertNoSecrets();
    }

    @Test
    void unreachableSlackIsAWarningWithoutTheWebhookUrl() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + FakeSlack.WEBHOOK_PATH;

        new SlackNotifier(SlackDestination.webhook(url)).published(Notices.published(), log);

        assertThat(log.text()).contains("was not sent: cannot reach Slack")
                .contains("Slack webhook http://127.0.0.1:" + closedPort + "/***");
        assertNoSecrets();
    }

    @Test
    void sendReportsTheOutcomeForASettingsCheck() {
        SlackClient.Delivery ok = bot(FakeSlack.TOKEN, FakeSlack.CHANNEL)
                .send(new SlackMessageFormatter().published(Notices.published()));
        SlackClient.Delivery notOk = bot(FakeSlack.TOKEN, "#gone")
                .send(new SlackMessageFormatter().published(Notices.published()));

        assertThat(ok.ok()).isTrue();
        assertThat(ok.problem()).isNull();
        // A bot message's delivery names the message (channel id and ts), which later replies thread on.
        assertThat(ok.thread().channel()).isEqualTo(FakeSlack.CHANNEL_ID);
        assertThat(notOk.ok()).isFalse();
        assertThat(notOk.problem()).contains("channel_not_found");
    }

    private static Map<String, String> fields(JsonNode attachment) {
        Map<String, String> fields = new HashMap<>();
        attachment.path("fields").forEach(f -> fields.put(f.path("title").asText(), f.path("value").asText()));
        return fields;
    }

    private void assertNoSecrets() {
        assertThat(log.text()).doesNotContain(FakeSlack.TOKEN).doesNotContain("SeCrEtBoTtOkEn")
                .doesNotContain(FakeSlack.WEBHOOK_PATH).doesNotContain("WebhookSecret42xyz");
    }
}
