package io.pypub.jenkins.slack;

import hudson.AbortException;
import hudson.PluginWrapper;
import hudson.model.Run;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.LifecycleNotice;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.notify.slack.SlackClient;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.notify.slack.SlackDestination;
import io.pypub.core.notify.slack.SlackNotifier;
import io.pypub.jenkins.PublishPythonPackageStep;
import io.pypub.jenkins.PublishTarget;
import io.pypub.jenkins.TargetCredentials;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Picks the core {@link Notifier} for a step's Slack notices. The notifier runs on the
 * controller (the step hands it the notice core's pipeline produced on the agent):
 * <ul>
 * <li>with the Slack plugin installed, {@link SlackPluginNotifier}: the plugin's global
 * configuration (workspace, token credential, bot user, default channel), loaded only then;</li>
 * <li>without it, core's {@link SlackNotifier} with the target's bot token (and channel) or
 * incoming-webhook credential;</li>
 * <li>otherwise, or with {@code slack: false}, nobody.</li>
 * </ul>
 * Both format with core's {@code SlackMessageFormatter}. Never throws: a Slack setup problem is a
 * warning in the build log and costs the notice, never the publish.
 */
public final class SlackNotices {
    private SlackNotices() {}

    public static Notifier forStep(PublishPythonPackageStep step, PublishTarget target, Run<?, ?> run, PublishLog log) {
        return forStep(step, target, run, log, ReleaseThreads.NONE);
    }

    /**
     * @param threads where the release's Slack thread is kept: with core's token client, the publish message's channel
     *     and ts are stored with the release, and the lifecycle steps reply in that thread
     */
    public static Notifier forStep(PublishPythonPackageStep step, PublishTarget target, Run<?, ?> run, PublishLog log,
            ReleaseThreads threads) {
        if (!step.isSlack()) {
            return Notifier.NONE;
        }
        String channel = step.getSlackChannel() != null ? step.getSlackChannel() : target.getSlackChannel();
        return create(target, channel, run, log, threads);
    }

    /** For the lifecycle steps (promote, yank, unyank, rollback, unpin): the target's Slack, replying in the release's thread. */
    public static Notifier forLifecycle(PublishTarget target, Run<?, ?> run, PublishLog log, ReleaseThreads threads) {
        return create(target, target.getSlackChannel(), run, log, threads);
    }

    private static Notifier create(PublishTarget target, String channel, Run<?, ?> run, PublishLog log, ReleaseThreads threads) {
        try {
            return new Guarded(slackPluginActive() ? new SlackPluginNotifier(run, channel)
                    : fromTargetCredentials(target, channel, run, log, threads));
        } catch (AbortException | RuntimeException | LinkageError e) {
            log.warn("Slack: no notices for this publish: " + e.getMessage());
            return Notifier.NONE;
        }
    }

    /** The target's Slack credentials through core's one rule ({@link SlackDestination#select}), as {@code pypub publish} does. */
    static Notifier fromTargetCredentials(PublishTarget target, String channel, Run<?, ?> run, PublishLog log) throws AbortException {
        return fromTargetCredentials(target, channel, run, log, ReleaseThreads.NONE);
    }

    static Notifier fromTargetCredentials(PublishTarget target, String channel, Run<?, ?> run, PublishLog log,
            ReleaseThreads threads) throws AbortException {
        StringCredentials token = TargetCredentials.find(StringCredentials.class, target.getSlackTokenCredentialsId(),
                "Slack token credentials", run);
        StringCredentials webhook = token != null ? null : TargetCredentials.find(StringCredentials.class,
                target.getSlackWebhookCredentialsId(), "Slack webhook credentials", run);
        SlackDestination destination;
        try {
            destination = SlackDestination.select(webhook == null ? null : webhook.getSecret().getPlainText(),
                    token == null ? null : token.getSecret().getPlainText(), channel, log::info);
        } catch (IllegalArgumentException e) { // core's ConfigException: a token without a channel
            throw new AbortException(e.getMessage());
        }
        return destination == null ? Notifier.NONE : new SlackNotifier(destination, new SlackClient(), threads);
    }

    /**
     * Holds a notifier to core's "never throws" also for errors core's own guard does not catch,
     * such as a class that does not link in this Jenkins.
     */
    static final class Guarded implements Notifier {
        private final Notifier delegate;

        Guarded(Notifier delegate) {
            this.delegate = delegate;
        }

        Notifier delegate() {
            return delegate;
        }

        @Override
        public void published(PublishNotice notice, PublishLog log) {
            try {
                delegate.published(notice, log);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Slack: not posted: " + e + ". This does not change the outcome of the publish.");
            }
        }

        @Override
        public void failed(FailureNotice notice, PublishLog log) {
            try {
                delegate.failed(notice, log);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Slack: not posted: " + e + ". This does not change the outcome of the publish.");
            }
        }

        @Override
        public void lifecycle(LifecycleNotice notice, PublishLog log) {
            try {
                delegate.lifecycle(notice, log);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Slack: not posted: " + e + ". This does not change the outcome of the " + notice.operation() + ".");
            }
        }
    }

    static boolean slackPluginActive() {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        PluginWrapper plugin = jenkins == null ? null : jenkins.getPluginManager().getPlugin("slack");
        return plugin != null && plugin.isActive();
    }
}
