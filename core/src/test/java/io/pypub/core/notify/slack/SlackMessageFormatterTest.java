package io.pypub.core.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.PublishNotice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackMessageFormatterTest {
    private final SlackMessageFormatter formatter = new SlackMessageFormatter();

    @Test
    void successMessageHasFallbackColourTitleFieldsAndLinks() {
        SlackMessage m = formatter.published(Notices.published());

        assertThat(m.text()).isEqualTo("Published Hello-Package 1.2.0 to dev");
        assertThat(m.color()).isEqualTo("good");
        JsonNode a = m.attachment();
        assertThat(a.path("fallback").asText()).isEqualTo("Hello-Package 1.2.0 published to dev");
        assertThat(a.path("title").asText()).isEqualTo("Hello-Package 1.2.0 published to dev");
        assertThat(a.path("title_link").asText()).isEqualTo(Notices.INDEX_URL);
        assertThat(a.path("mrkdwn_in").toString()).isEqualTo("[\"text\",\"fields\"]");
        assertThat(titles(a)).containsExactly("Project", "Version", "Stage", "Latest", "Files", "Published by",
                "Revision", "Links");
        Map<String, String> f = fields(a);
        assertThat(f.get("Latest")).isEqualTo("now 1.2.0");
        assertThat(f.get("Files")).isEqualTo("""
                `hello_package-1.2.0.tar.gz` (2.5 KiB) sha256 `0123456789ab`
                `hello_package-1.2.0-py3-none-any.whl` (812 B) sha256 `fedcba987654`""");
        assertThat(f.get("Revision")).isEqualTo("`4f2a9c1e8b7d`");
        assertThat(f.get("Links")).isEqualTo("<" + Notices.INDEX_URL + "|Index page> · <" + Notices.DOCS_URL + "|Docs>");
        assertThat(a.toString()).doesNotContain(Notices.SDIST_SHA);
    }

    @Test
    void pinnedLatestIsSaid() {
        SlackMessage m = formatter.published(Notices.published(Notices.INDEX_URL, null,
                new PublishNotice.Latest("1.1.0", false, true, "1.2.0 breaks <imports>")));

        assertThat(fields(m.attachment()).get("Latest")).isEqualTo("pinned to 1.1.0 (1.2.0 breaks &lt;imports&gt;), not moved");
        assertThat(fields(m.attachment()).get("Links")).isEqualTo("<" + Notices.INDEX_URL + "|Index page>");
    }

    @Test
    void withoutUrlsThereAreNoLinks() {
        SlackMessage m = formatter.published(Notices.published(null, null, null));

        assertThat(m.attachment().has("title_link")).isFalse();
        assertThat(titles(m.attachment())).doesNotContain("Links", "Latest");
    }

    @Test
    void userTextIsEscapedSoItCannotMentionOrForgeLinks() {
        PublishNotice n = new PublishNotice("x", "A&B <!channel>", "1.0", "dev", List.of(), null, null,
                "<https://evil.example|click me>", null, null);

        SlackMessage m = formatter.published(n);

        assertThat(m.text()).isEqualTo("Published A&amp;B &lt;!channel&gt; 1.0 to dev");
        assertThat(fields(m.attachment()).get("Project")).isEqualTo("A&amp;B &lt;!channel&gt;");
        assertThat(fields(m.attachment()).get("Published by")).isEqualTo("&lt;https://evil.example|click me&gt;");
        assertThat(m.payload(null).toString()).doesNotContain("<!channel>", "<https://evil");
    }

    @Test
    void aPublishWithAWarningSaysSoInAWarningColouredMessage() {
        PublishNotice n = new PublishNotice("acme-utils", "acme-utils", "1.0", "dev", List.of(), null, null, null, null, null,
                List.of("acme-utils also exists on the upstream of stage 'dev' (https://pypi.org/simple/): dependency confusion risk."));

        SlackMessage m = formatter.published(n);

        assertThat(m.color()).isEqualTo(SlackMessageFormatter.COLOR_WARNING);
        assertThat(fields(m.attachment()).get("Warning")).contains("dependency confusion risk");
        assertThat(formatter.published(Notices.published(null, null, null)).color()).isEqualTo(SlackMessageFormatter.COLOR_SUCCESS);
    }

    @Test
    void linkTargetsCannotBreakOutOfTheLinkSyntax() {
        assertThat(SlackText.link("https://h.example/a?x=1&y=2|z>w", "Docs & more"))
                .isEqualTo("<https://h.example/a?x=1&amp;y=2%7Cz%3Ew|Docs &amp; more>");
        assertThat(SlackText.link("javascript:alert(1)", null)).isEqualTo("javascript:alert(1)");
        assertThat(SlackText.link("https://ok.example/ spaced", "label")).isEqualTo("label");
    }

    @Test
    void failureMessageIsDangerWithTheFirstLinesOfTheError() {
        StringBuilder error = new StringBuilder("Build failed: setup.py exited with 1 & <stderr> follows");
        for (int i = 1; i <= 20; i++) {
            error.append("\nline ").append(i);
        }

        SlackMessage m = formatter.failed(Notices.failed(error.toString()));

        assertThat(m.color()).isEqualTo("danger");
        assertThat(m.text()).isEqualTo("Publishing hello-package to prod failed");
        String text = m.attachment().path("text").asText();
        assertThat(text).startsWith("```Build failed: setup.py exited with 1 &amp; &lt;stderr&gt; follows\nline 1\n")
                .endsWith("line 7\n...```")
                .doesNotContain("line 8");
        assertThat(fields(m.attachment())).containsEntry("Project", "hello-package").containsEntry("Stage", "prod")
                .containsEntry("Revision", "`4f2a9c1`");
    }

    @Test
    void secretsInOutsideTextAreScrubbed() {
        String error = "GET https://bob:hunter2@pypi.example.com/prod/pkg/latest?key=SuperSecretKey1 failed;"
                + " token xoxb-123-456-abcdef; aws AKIAABCDEFGHIJKLMNOP;"
                + " hook https://hooks.slack.com/services/T1/B2/HookSecret";

        SlackMessage m = formatter.failed(new FailureNotice("pkg", null, "prod", error,
                "https://ci.example.com/job/x/1/?token=BuildTokenSecret", null));
        String json = m.payload("#c").toString();

        assertThat(json).doesNotContain("hunter2", "SuperSecretKey1", "xoxb-123", "AKIAABCDEFGHIJKLMNOP", "HookSecret",
                "BuildTokenSecret");
        assertThat(json).contains("https://***@pypi.example.com/prod/pkg/latest?key=***", "hooks.slack.com/***");
    }

    @Test
    void partsAreReadyForTheJenkinsSlackPlugin() throws Exception {
        SlackMessage m = formatter.published(Notices.published());

        JsonNode attachments = new ObjectMapper().readTree(m.attachmentsJson());
        assertThat(attachments.isArray()).isTrue();
        assertThat(attachments).hasSize(1);
        assertThat(attachments.get(0).path("color").asText()).isEqualTo(m.color());
        assertThat(m.payload("#c").path("channel").asText()).isEqualTo("#c");
        assertThat(m.payload(null).has("channel")).isFalse();
    }

    @Test
    void sizesAndRevisionsAreShortened() {
        assertThat(SlackMessageFormatter.humanSize(0)).isEqualTo("0 B");
        assertThat(SlackMessageFormatter.humanSize(1023)).isEqualTo("1023 B");
        assertThat(SlackMessageFormatter.humanSize(5L * 1024 * 1024)).isEqualTo("5.0 MiB");
        assertThat(SlackMessageFormatter.shortRevision("4f2a9c1")).isEqualTo("4f2a9c1");
        assertThat(SlackMessageFormatter.shortRevision("r1234")).isEqualTo("r1234");
    }

    private static List<String> titles(JsonNode attachment) {
        List<String> titles = new ArrayList<>();
        attachment.path("fields").forEach(f -> titles.add(f.path("title").asText()));
        return titles;
    }

    private static Map<String, String> fields(JsonNode attachment) {
        Map<String, String> fields = new HashMap<>();
        attachment.path("fields").forEach(f -> fields.put(f.path("title").asText(), f.path("value").asText()));
        return fields;
    }
}
