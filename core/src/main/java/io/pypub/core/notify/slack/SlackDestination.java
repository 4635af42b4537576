package io.pypub.core.notify.slack;

import java.net.URI;
import java.util.Objects;

/**
 * Where Slack messages go, and the secret that gets them there. Both kinds hold a secret (the
 * webhook URL's path is its credential), so neither prints it: {@link #describe()} and
 * {@code toString()} are safe for logs, and {@link #redact(String)} cleans any other text.
 */
public sealed interface SlackDestination permits SlackDestination.Webhook, SlackDestination.BotChannel {

    URI DEFAULT_API_BASE = URI.create("https://slack.com/api/");

    /** An incoming webhook; the channel is the one the webhook was created for. */
    static Webhook webhook(String url) {
        return new Webhook(url);
    }

    /** A bot token posting with {@code chat.postMessage} to a channel name ({@code #builds}) or id. */
    static BotChannel bot(String token, String channel) {
        return new BotChannel(token, channel, DEFAULT_API_BASE);
    }

    /** As {@link #bot(String, String)}, with another Web API base URL (a proxy, Slack GovSlack, a test server). */
    static BotChannel bot(String token, String channel, URI apiBase) {
        return new BotChannel(token, channel, apiBase);
    }

    /**
     * The one rule for where a publish's Slack notices go, for the command line and Jenkins alike: a bot
     * token (with a channel, which it needs) wins over an incoming webhook; neither means no Slack
     * (null). A channel given with a webhook does not apply (the webhook posts to the channel it was
     * created for): {@code note} is told so. Errors name the settings, not a front end's flags.
     */
    static SlackDestination select(String webhookUrl, String token, String channel, java.util.function.Consumer<String> note) {
        boolean hasChannel = channel != null && !channel.isBlank();
        if (token != null && !token.isBlank()) {
            if (!hasChannel) {
                throw new io.pypub.core.config.ConfigException("A Slack bot token is configured (" + io.pypub.core.config.Settings.SLACK_TOKEN.describe()
                        + ") but no channel: set " + io.pypub.core.config.Settings.SLACK_CHANNEL.describe());
            }
            return bot(token, channel);
        }
        if (webhookUrl != null && !webhookUrl.isBlank()) {
            if (hasChannel) {
                note.accept("Slack: posting through the incoming webhook, to the channel it was created for (" + channel.strip()
                        + " applies to bot tokens and the Jenkins Slack plugin only).");
            }
            return webhook(webhookUrl);
        }
        return null;
    }

    /** The URL the message is POSTed to. */
    URI endpoint();

    /** A description without secrets, for log lines. */
    String describe();

    /** {@code text} with this destination's secret removed. */
    String redact(String text);

    final class Webhook implements SlackDestination {
        private final URI url;

        private Webhook(String url) {
            URI parsed;
            try {
                parsed = URI.create(Objects.requireNonNull(url, "Slack webhook URL").strip());
            } catch (IllegalArgumentException e) {
                // The message would quote the URL, which is the secret.
                throw new IllegalArgumentException("The Slack webhook URL is not a valid URL");
            }
            if (parsed.getHost() == null || !("https".equals(parsed.getScheme()) || "http".equals(parsed.getScheme()))) {
                throw new IllegalArgumentException("The Slack webhook URL must be an https:// URL");
            }
            this.url = parsed;
        }

        @Override
        public URI endpoint() {
            return url;
        }

        @Override
        public String describe() {
            return "Slack webhook " + redactedUrl();
        }

        private String redactedUrl() {
            String port = url.getPort() < 0 ? "" : ":" + url.getPort();
            return url.getScheme() + "://" + url.getHost() + port + "/***";
        }

        @Override
        public String redact(String text) {
            if (text == null) {
                return null;
            }
            String s = text.replace(url.toString(), redactedUrl());
            String path = url.getRawPath() == null ? "" : url.getRawPath();
            if (path.length() > 1) {
                s = s.replace(path, "/***");
            }
            // The secret part of hooks.slack.com/services/T.../B.../SECRET may appear on its own.
            for (String segment : path.split("/")) {
                if (segment.length() >= 6) {
                    s = s.replace(segment, "***");
                }
            }
            if (url.getRawQuery() != null) {
                s = s.replace(url.getRawQuery(), "***");
            }
            return SlackText.scrub(s);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    final class BotChannel implements SlackDestination {
        private final String token;
        private final String channel;
        private final URI endpoint;

        private BotChannel(String token, String channel, URI apiBase) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("The Slack bot token is empty");
            }
            if (token.strip().chars().anyMatch(c -> c <= ' ' || c == 127)) {
                throw new IllegalArgumentException("The Slack bot token contains spaces or control characters");
            }
            if (channel == null || channel.isBlank()) {
                throw new IllegalArgumentException("A Slack channel is required with a bot token");
            }
            Objects.requireNonNull(apiBase, "apiBase");
            String base = apiBase.toString().endsWith("/") ? apiBase.toString() : apiBase + "/";
            this.token = token.strip();
            this.channel = channel.strip();
            this.endpoint = URI.create(base).resolve("chat.postMessage");
        }

        public String channel() {
            return channel;
        }

        /** The value of the Authorization header. */
        String authorization() {
            return "Bearer " + token;
        }

        @Override
        public URI endpoint() {
            return endpoint;
        }

        @Override
        public String describe() {
            return "Slack channel " + channel;
        }

        @Override
        public String redact(String text) {
            return text == null ? null : SlackText.scrub(text.replace(token, "***"));
        }

        @Override
        public String toString() {
            return describe() + " (" + endpoint + ")";
        }
    }
}
