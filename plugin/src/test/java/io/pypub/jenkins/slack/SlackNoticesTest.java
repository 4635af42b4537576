package io.pypub.jenkins.slack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.util.StreamTaskListener;
import io.pypub.jenkins.PublishPythonPackageStep;
import io.pypub.jenkins.PublishTarget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The Slack bridge: used when the Slack plugin is there (it is, in this test's Jenkins), never fatal. */
@WithJenkins
class SlackNoticesTest {

    @Test
    void usesTheSlackPluginWhenItIsInstalled(JenkinsRule j) throws Exception {
        assertTrue(SlackNotices.slackPluginActive());
        FreeStyleBuild run = j.buildAndAssertSuccess(j.createFreeStyleProject());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StreamTaskListener listener = new StreamTaskListener(log, StandardCharsets.UTF_8);
        PublishTarget target = new PublishTarget("prod");
        target.setSlackChannel("#releases");

        PublishPythonPackageStep off = new PublishPythonPackageStep();
        off.setSlack(false);
        assertSame(SlackNotices.NONE, SlackNotices.forStep(off, target, run, listener));

        SlackNotices notices = SlackNotices.forStep(new PublishPythonPackageStep(), target, run, listener);
        assertFalse(notices == SlackNotices.NONE);
        // No token is configured in the Slack plugin: the notice is skipped with a log line, not an exception.
        notices.failed("prod", "The build failed (exit 1). Last lines of its output:\nsecond line");
        listener.getLogger().flush();
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("[pypub] Slack:"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void messagesNameTheReleaseAndKeepOnlyTheFirstLineOfAFailure(JenkinsRule j) {
        String failed = SlackNotices.failedText("prod", "The build failed (exit 1).\nsecret-looking tail", "<link|build>");
        assertTrue(failed.contains("*prod*"));
        assertTrue(failed.contains("The build failed (exit 1)."));
        assertFalse(failed.contains("secret-looking tail"));
    }
}
