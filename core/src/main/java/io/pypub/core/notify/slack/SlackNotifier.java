package io.pypub.core.notify.slack;

import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.publish.PublishLog;
import java.util.function.Supplier;

/**
 * Posts publish notices to Slack over its HTTP API (incoming webhook or bot token). Used by the
 * command line; Jenkins uses the Slack plugin instead, with the same {@link SlackMessageFormatter}.
 */
public final class SlackNotifier implements Notifier {
    private final SlackDestination destination;
    private final SlackClient client;
    private final SlackMessageFormatter formatter;

    public SlackNotifier(SlackDestination destination) {
        this(destination, new SlackClient());
    }

    public SlackNotifier(SlackDestination destination, SlackClient client) {
        this.destination = destination;
        this.client = client;
        this.formatter = new SlackMessageFormatter();
    }

    @Override
    public void published(PublishNotice notice, PublishLog log) {
        report(log, deliver(() -> formatter.published(notice)));
    }

    @Override
    public void failed(FailureNotice notice, PublishLog log) {
        report(log, deliver(() -> formatter.failed(notice)));
    }

    /** Sends any message and says how it went, for a "test the Slack settings" action. Never throws. */
    public SlackClient.Delivery send(SlackMessage message) {
        return deliver(() -> message);
    }

    private SlackClient.Delivery deliver(Supplier<SlackMessage> message) {
        try {
            return client.post(destination, message.get());
        } catch (RuntimeException e) {
            // A formatting bug must not fail a publish either.
            return new SlackClient.Delivery(false, destination.redact("could not build the message (" + e + ")"));
        }
    }

    private void report(PublishLog log, SlackClient.Delivery delivery) {
        PublishLog out = log == null ? PublishLog.SILENT : log;
        if (delivery.ok()) {
            out.info("Notified " + destination.describe() + ".");
        } else {
            out.warn("Slack notification to " + destination.describe() + " was not sent: " + delivery.problem()
                    + ". This does not change the outcome of the publish.");
        }
    }
}
