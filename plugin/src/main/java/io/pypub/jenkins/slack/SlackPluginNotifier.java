package io.pypub.jenkins.slack;

import hudson.model.Run;
import hudson.model.TaskListener;
import jenkins.model.Jenkins;
import jenkins.plugins.slack.CredentialsObtainer;
import jenkins.plugins.slack.SlackNotifier;
import jenkins.plugins.slack.SlackService;
import jenkins.plugins.slack.StandardSlackService;
import jenkins.plugins.slack.StandardSlackServiceBuilder;

/**
 * Posts through the Slack plugin with its global configuration (workspace, token credential, bot
 * user, default channel), the way its {@code slackSend} step does. Only {@link SlackNotices}
 * creates it, after checking the plugin is active, so Jenkins without Slack never loads it.
 * A Slack failure is reported in the build log and never fails the publish.
 */
final class SlackPluginNotifier {
    private final Run<?, ?> run;
    private final String channel;
    private final TaskListener listener;

    SlackPluginNotifier(Run<?, ?> run, String channel, TaskListener listener) {
        this.run = run;
        this.channel = channel;
        this.listener = listener;
    }

    boolean post(String message, String color) {
        try {
            SlackNotifier.DescriptorImpl slack = Jenkins.get().getDescriptorByType(SlackNotifier.DescriptorImpl.class);
            if (slack == null) {
                return false;
            }
            String room = channel != null ? channel : slack.getRoom();
            if (room == null || room.isBlank()) {
                listener.getLogger().println("[pypub] Slack: no channel (set slackChannel: or a channel on the target "
                        + "or in the Slack plugin's configuration); not posting.");
                return false;
            }
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
            boolean ok = service.publish(message, color);
            listener.getLogger().println(ok ? "[pypub] Slack: posted to " + room
                    : "[pypub] Slack: posting to " + room + " failed (see the Jenkins log for the Slack plugin's reason).");
            return ok;
        } catch (RuntimeException e) {
            // e.g. no token credential configured: the Slack plugin's message names the credential id, not the token.
            listener.getLogger().println("[pypub] Slack: not posted: " + e.getMessage());
            return false;
        }
    }
}
