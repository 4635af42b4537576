package io.pypub.server.cli;

import io.pypub.core.config.Config;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.notify.Notifier;
import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.notify.slack.SlackClient;
import io.pypub.core.notify.slack.SlackDestination;
import io.pypub.core.notify.slack.SlackNotifier;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Slack for the lifecycle commands (promote, yank, unyank, rollback, unpin), with the same settings and the same rule
 * as {@code pypub publish}: with a bot token the notice replies in the release's thread, with a webhook it is a plain
 * message. Secrets come from the environment or a profile only.
 */
@Command // a mixin; CliSettings adds the Slack settings' options from the catalogue
public final class SlackOptions implements CliSettings.Uses {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--no-slack", description = "Do not post to Slack even if Slack is configured.")
    boolean noSlack;

    @Override
    public List<Setting<?>> settings() {
        return List.of(Settings.SLACK_CHANNEL, Settings.SLACK_WEBHOOK_URL, Settings.SLACK_TOKEN);
    }

    Notifier notifier(ReleaseThreads threads) {
        return notifier(CliSettings.config(spec), noSlack, threads);
    }

    /** Core's one rule (a bot token with a channel wins over a webhook; neither: no Slack), for publish and lifecycle. */
    static Notifier notifier(Config config, boolean off, ReleaseThreads threads) {
        if (off) {
            return Notifier.NONE;
        }
        SlackDestination destination = SlackDestination.select(config.get(Settings.SLACK_WEBHOOK_URL), config.get(Settings.SLACK_TOKEN),
                config.get(Settings.SLACK_CHANNEL), System.err::println);
        return destination == null ? Notifier.NONE : new SlackNotifier(destination, new SlackClient(), threads);
    }
}
