package io.pypub.core.notify.slack;

import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.LifecycleNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.release.SlackThread;
import io.pypub.core.release.Stage;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts publish notices to Slack over its HTTP API (incoming webhook or bot token). Used by the
 * command line; Jenkins uses the Slack plugin instead, with the same {@link SlackMessageFormatter}.
 */
public final class SlackNotifier implements Notifier {
    private final SlackDestination destination;
    private final SlackClient client;
    private final SlackMessageFormatter formatter;
    private final ReleaseThreads threads;

    public SlackNotifier(SlackDestination destination) {
        this(destination, new SlackClient());
    }

    public SlackNotifier(SlackDestination destination, SlackClient client) {
        this(destination, client, ReleaseThreads.NONE);
    }

    /**
     * With a bot token, the publish message's channel and {@code ts} are kept with the release in {@code threads}, and
     * lifecycle notices reply in that thread (production ones also broadcast). A webhook cannot thread: plain messages.
     */
    public SlackNotifier(SlackDestination destination, SlackClient client, ReleaseThreads threads) {
        this.destination = destination;
        this.client = client;
        this.formatter = new SlackMessageFormatter();
        this.threads = threads == null ? ReleaseThreads.NONE : threads;
    }

    /** Whether this notifier can thread: a bot token (chat.postMessage answers with the message's ts). */
    public boolean threads() {
        return destination instanceof SlackDestination.BotChannel && threads != ReleaseThreads.NONE;
    }

    @Override
    public void published(PublishNotice notice, PublishLog log) {
        SlackClient.Delivery delivery = deliver(() -> formatter.published(notice), null, false);
        report(log, delivery);
        if (delivery.ok() && delivery.thread() != null && threads()) {
            PublishLog out = log == null ? PublishLog.SILENT : log;
            try {
                threads.remember(Stage.of(notice.stage()), notice.project(), notice.version(), delivery.thread());
            } catch (RuntimeException e) {
                out.warn("The Slack thread of " + notice.project() + " " + notice.version() + " was not stored with the release ("
                        + e.getMessage() + "): later notices about it are posted as new messages. The release is published.");
            }
        }
    }

    /**
     * A further file of an uploaded release: a reply in the release's thread (bot token), not broadcast; without a
     * thread (a webhook, or a release announced before threads) a plain message.
     */
    @Override
    public void fileAdded(PublishNotice notice, String filename, PublishLog log) {
        PublishLog out = log == null ? PublishLog.SILENT : log;
        Optional<SlackThread> thread = Optional.empty();
        if (threads()) {
            try {
                thread = threads.find(Stage.of(notice.stage()), notice.project(), notice.version());
            } catch (RuntimeException e) {
                out.warn("The Slack thread of " + notice.project() + " " + notice.version() + " could not be read ("
                        + e.getMessage() + "); posting a new message.");
            }
        }
        report(out, deliver(() -> formatter.fileAdded(notice, filename), thread.map(SlackThread::ts).orElse(null), false),
                "the upload");
    }

    @Override
    public void lifecycle(LifecycleNotice notice, PublishLog log) {
        PublishLog out = log == null ? PublishLog.SILENT : log;
        Optional<SlackThread> thread = Optional.empty();
        if (threads() && notice.version() != null) {
            try {
                thread = threads.find(notice.threadStage(), notice.project(), notice.version());
            } catch (RuntimeException e) {
                out.warn("The Slack thread of " + notice.project() + " " + notice.version() + " could not be read ("
                        + e.getMessage() + "); posting a new message.");
            }
        }
        String threadTs = thread.map(SlackThread::ts).orElse(null);
        SlackClient.Delivery delivery = deliver(() -> formatter.lifecycle(notice), threadTs, notice.broadcast());
        report(out, delivery, "the " + notice.operation());
        if (delivery.ok() && thread.isPresent() && notice.from() != null) {
            // The promoted release keeps the thread, so its yanks and rollbacks in the new stage reply there too.
            try {
                threads.remember(notice.stage(), notice.project(), notice.version(), thread.get());
            } catch (RuntimeException e) {
                out.warn("The Slack thread was not stored with " + notice.project() + " " + notice.version() + " in '"
                        + notice.stage() + "' (" + e.getMessage() + ").");
            }
        }
    }

    @Override
    public void failed(FailureNotice notice, PublishLog log) {
        report(log, deliver(() -> formatter.failed(notice), null, false));
    }

    /** Sends any message and says how it went, for a "test the Slack settings" action. Never throws. */
    public SlackClient.Delivery send(SlackMessage message) {
        return deliver(() -> message, null, false);
    }

    private SlackClient.Delivery deliver(Supplier<SlackMessage> message, String threadTs, boolean broadcast) {
        try {
            return client.post(destination, message.get(), threadTs, broadcast);
        } catch (RuntimeException e) {
            // A formatting bug must not fail a publish either.
            return new SlackClient.Delivery(false, destination.redact("could not build the message (" + e + ")"));
        }
    }

    private void report(PublishLog log, SlackClient.Delivery delivery) {
        report(log, delivery, "the publish");
    }

    private void report(PublishLog log, SlackClient.Delivery delivery, String what) {
        PublishLog out = log == null ? PublishLog.SILENT : log;
        if (delivery.ok()) {
            out.info("Notified " + destination.describe() + ".");
        } else {
            out.warn("Slack notification to " + destination.describe() + " was not sent: " + delivery.problem()
                    + ". This does not change the outcome of " + what + ".");
        }
    }
}
