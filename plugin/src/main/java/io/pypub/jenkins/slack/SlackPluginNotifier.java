package io.pypub.jenkins.slack;

import hudson.model.Run;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.LifecycleNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.notify.slack.SlackMessage;
import io.pypub.core.notify.slack.SlackMessageFormatter;
import io.pypub.core.progress.PublishLog;
import java.util.function.Supplier;
import jenkins.model.Jenkins;
import jenkins.plugins.slack.CredentialsObtainer;
import jenkins.plugins.slack.SlackNotifier;
import jenkins.plugins.slack.SlackService;
import jenkins.plugins.slack.StandardSlackService;
import jenkins.plugins.slack.StandardSlackServiceBuilder;
import net.sf.json.JSONArray;

/**
 * Core's {@link Notifier} over the Slack plugin: messages formatted by core's
 * {@link SlackMessageFormatter}, posted with the plugin's global configuration (workspace, token
 * credential, bot user, icon, default channel), as its {@code slackSend} step would. Runs on the
 * controller only (the Slack plugin's classes and configuration live there). Only
 * {@link SlackNotices} creates it, after checking the plugin is active, so Jenkins without Slack
 * never loads it. Never throws: Slack problems are warnings in the build log.
 */
final class SlackPluginNotifier implements Notifier {
    private final Run<?, ?> run;
    private final String channel;
    private final SlackMessageFormatter formatter = new SlackMessageFormatter();

    SlackPluginNotifier(Run<?, ?> run, String channel) {
        this.run = run;
        this.channel = channel;
    }

    @Override
    public void published(PublishNotice notice, PublishLog log) {
        post(() -> formatter.published(notice), log);
    }

    @Override
    public void failed(FailureNotice notice, PublishLog log) {
        post(() -> formatter.failed(notice), log);
    }

    /**
     * A promote, yank, unyank, rollback or unpin, as a plain channel message: pypub does not thread through the Slack
     * plugin (see plugin/README.md); core's own token client does.
     */
    @Override
    public void lifecycle(LifecycleNotice notice, PublishLog log) {
        post(() -> formatter.lifecycle(notice), log);
    }

    private void post(Supplier<SlackMessage> format, PublishLog log) {
        try {
            SlackNotifier.DescriptorImpl slack = Jenkins.get().getDescriptorByType(SlackNotifier.DescriptorImpl.class);
            if (slack == null) {
                log.warn("Slack: the Slack plugin is not configured; not posting.");
                return;
            }
            String room = channel != null ? channel : slack.getRoom();
            if (room == null || room.isBlank()) {
                log.warn("Slack: no channel (set slackChannel:, a channel on the target or in the Slack plugin's "
                        + "configuration); not posting.");
                return;
            }
            SlackMessage message = format.get();
            String token = CredentialsObtainer.getTokenToUse(slack.getTokenCredentialId(), run.getParent(), null);
            SlackService service = new StandardSlackService(new StandardSlackServiceBuilder()
                    .withRun(run)
                    .withBaseUrl(slack.getBaseUrl())
                    .withTeamDomain(slack.getTeamDomain())
                    .withBotUser(slack.isBotUser())
                    .withRoomId(room)
                    .withIconEmoji(slack.getIconEmoji())
                    .withUsername(slack.getUsername())
                    .withPopulatedToken(token));
            // text + core's attachment (colour bar, fields); the colour is already in the attachment.
            boolean ok = service.publish(message.text(), JSONArray.fromObject(message.attachmentsJson()), message.color());
            if (ok) {
                log.info("Slack: notified " + room + ".");
            } else {
                log.warn("Slack: posting to " + room + " failed (the Slack plugin logs the reason in the Jenkins log). "
                        + "This does not change the outcome of the step.");
            }
        } catch (RuntimeException e) {
            // e.g. no token credential configured: the Slack plugin's message names the credential id, not the token.
            log.warn("Slack: not posted: " + e.getMessage() + ". This does not change the outcome of the step.");
        }
    }
}
