package io.pypub.jenkins.slack;

import hudson.PluginWrapper;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.pypub.jenkins.PublishTarget;
import io.pypub.jenkins.PublishPythonPackageStep;
import io.pypub.jenkins.PublishedPackage;
import jenkins.model.Jenkins;

/**
 * Decides where a step's Slack notices go. With the Slack plugin installed, through its API and
 * global configuration ({@link SlackPluginNotifier}, loaded only then); without it, through
 * core's Slack client with the target's webhook or token credential.
 *
 * <p>TODO(core): when core has {@code io.pypub.core.notify.Notifier} (published/failed notices),
 * make {@link SlackPluginNotifier} implement it, hand it to the publish pipeline instead of calling
 * it from here, and build the fallback from core's Slack client with the target's
 * {@code slackWebhookCredentialsId} / {@code slackTokenCredentialsId}. The message text then
 * comes from core as well.
 */
public abstract class SlackNotices {

    public abstract void published(PublishedPackage published, String indexUrl, String installCommand);

    public abstract void failed(String stage, String reason);

    public static SlackNotices forStep(PublishPythonPackageStep step, PublishTarget target, Run<?, ?> run, TaskListener listener) {
        if (!step.isSlack()) {
            return NONE;
        }
        String channel = step.getSlackChannel() != null ? step.getSlackChannel() : target.getSlackChannel();
        if (slackPluginActive()) {
            return new ViaSlackPlugin(new SlackPluginNotifier(run, channel, listener), run);
        }
        if (target.getSlackWebhookCredentialsId() != null || target.getSlackTokenCredentialsId() != null) {
            listener.getLogger().println("[pypub] Slack: install the Slack plugin to post notices; "
                    + "posting with the target's own webhook or token is not available in this version yet.");
        }
        return NONE;
    }

    static boolean slackPluginActive() {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        PluginWrapper plugin = jenkins == null ? null : jenkins.getPluginManager().getPlugin("slack");
        return plugin != null && plugin.isActive();
    }

    static final SlackNotices NONE = new SlackNotices() {
        @Override
        public void published(PublishedPackage published, String indexUrl, String installCommand) {}

        @Override
        public void failed(String stage, String reason) {}
    };

    /** Message text. TODO(core): replace with core's notice formatting. */
    static String publishedText(PublishedPackage p, String indexUrl, String installCommand, String buildLink) {
        StringBuilder text = new StringBuilder();
        text.append(":package: *").append(p.getDisplayName()).append(' ').append(p.getVersion())
                .append("* published to *").append(p.getStage()).append('*');
        if (p.getLatestVersion() != null && !p.getLatestVersion().equals(p.getVersion())) {
            text.append(" (latest stays ").append(p.getLatestVersion()).append(p.isLatestPinned() ? ", pinned" : "").append(')');
        }
        if (indexUrl != null) {
            text.append("\n<").append(indexUrl).append("|Index page>");
        }
        text.append("\n`").append(installCommand).append('`');
        if (buildLink != null) {
            text.append("\n").append(buildLink);
        }
        return text.toString();
    }

    static String failedText(String stage, String reason, String buildLink) {
        String firstLine = reason == null ? "see the build log" : reason.lines().findFirst().orElse(reason);
        return ":x: Publishing to *" + stage + "* failed: " + firstLine + (buildLink == null ? "" : "\n" + buildLink);
    }

    static String buildLink(Run<?, ?> run) {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        String root = jenkins == null ? null : jenkins.getRootUrl();
        return root == null ? run.getFullDisplayName() : "<" + root + run.getUrl() + "|" + run.getFullDisplayName() + ">";
    }

    private static final class ViaSlackPlugin extends SlackNotices {
        private final SlackPluginNotifier notifier;
        private final Run<?, ?> run;

        ViaSlackPlugin(SlackPluginNotifier notifier, Run<?, ?> run) {
            this.notifier = notifier;
            this.run = run;
        }

        @Override
        public void published(PublishedPackage published, String indexUrl, String installCommand) {
            notifier.post(publishedText(published, indexUrl, installCommand, buildLink(run)), "good");
        }

        @Override
        public void failed(String stage, String reason) {
            notifier.post(failedText(stage, reason, buildLink(run)), "danger");
        }
    }
}
