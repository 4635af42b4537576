package io.pypub.core.notify.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.release.SlackThread;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs a message to Slack and says whether Slack took it. Never throws: every failure, from DNS
 * to {@code {"ok":false}}, becomes a {@link Delivery} with a reason that carries no secret.
 */
public final class SlackClient {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER_CHARS = 200;
    private static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("channel_not_found", "check the channel name or id, and that the bot can see it"),
            Map.entry("not_in_channel", "invite the bot to the channel"),
            Map.entry("is_archived", "the channel is archived"),
            Map.entry("channel_is_archived", "the channel is archived"),
            Map.entry("invalid_auth", "check the Slack bot token credential"),
            Map.entry("not_authed", "check the Slack bot token credential"),
            Map.entry("token_revoked", "the Slack token was revoked"),
            Map.entry("token_expired", "the Slack token has expired"),
            Map.entry("account_inactive", "the Slack token belongs to a deactivated app or user"),
            Map.entry("missing_scope", "the bot token needs the chat:write scope"),
            Map.entry("no_service", "the webhook was removed or disabled; create a new one"),
            Map.entry("no_team", "the webhook's workspace no longer exists"),
            Map.entry("invalid_token", "the webhook is no longer valid; create a new one"),
            Map.entry("action_prohibited", "a Slack admin restricted posting to this channel"));

    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    public SlackClient() {
        this(CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    public SlackClient(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // A redirect could carry the bot token to another host.
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Whether Slack accepted a message; {@code problem} is safe to print. */
    public record Delivery(boolean ok, String problem, SlackThread thread) {
        public Delivery(boolean ok, String problem) {
            this(ok, problem, null);
        }

        static Delivery delivered() {
            return new Delivery(true, null);
        }
    }

    public Delivery post(SlackDestination destination, SlackMessage message) {
        return post(destination, message, null, false);
    }

    /**
     * Posts {@code message}; with a bot token and {@code threadTs}, as a reply in that thread ({@code thread_ts}),
     * also broadcast to the channel when {@code broadcast}. A delivered bot message carries its {@link SlackThread}
     * (the channel id and {@code ts} Slack answered); a webhook has none (webhooks cannot thread).
     */
    public Delivery post(SlackDestination destination, SlackMessage message, String threadTs, boolean broadcast) {
        try {
            HttpResponse<String> response = http.send(request(destination, message, threadTs, broadcast),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return interpret(destination, response);
        } catch (HttpConnectTimeoutException e) {
            return failed(destination, "could not connect within " + connectTimeout.toSeconds() + "s");
        } catch (HttpTimeoutException e) {
            return failed(destination, "no answer within " + seconds(requestTimeout));
        } catch (IOException e) {
            return failed(destination, "cannot reach Slack (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(destination, "interrupted while posting");
        } catch (RuntimeException e) {
            return failed(destination, "cannot post (" + describe(e) + ")");
        }
    }

    private HttpRequest request(SlackDestination destination, SlackMessage message, String threadTs, boolean broadcast) {
        String channel = destination instanceof SlackDestination.BotChannel bot ? bot.channel() : null;
        String body = channel == null ? message.payload(null).toString() : message.payload(channel, threadTs, broadcast).toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(destination.endpoint())
                .timeout(requestTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "pypub")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (destination instanceof SlackDestination.BotChannel bot) {
            b.header("Authorization", bot.authorization());
        }
        return b.build();
    }

    // Webhooks answer 200 "ok" or an HTTP error with a plain-text code; the Web API answers
    // 200 with {"ok":false,"error":"..."} for most failures, and 429 when rate limited.
    private Delivery interpret(SlackDestination destination, HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body().strip();
        if (status == 429) {
            String retry = response.headers().firstValue("Retry-After").map(s -> ", retry after " + s + "s").orElse("");
            return failed(destination, "rate limited by Slack (HTTP 429" + retry + ")");
        }
        if (status != 200) {
            return failed(destination, "HTTP " + status + answer(body));
        }
        if (destination instanceof SlackDestination.Webhook) {
            return Delivery.delivered();
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return failed(destination, "unexpected answer from Slack (not JSON)" + answer(body));
        }
        if (json != null && json.path("ok").asBoolean(false)) {
            String channel = json.path("channel").asText("");
            String ts = json.path("ts").asText("");
            return new Delivery(true, null, channel.isEmpty() || ts.isEmpty() ? null : new SlackThread(channel, ts));
        }
        String error = json == null ? "" : json.path("error").asText("");
        return failed(destination, error.isEmpty() ? "Slack did not accept the message" + answer(body)
                : "Slack answered " + error + hint(error));
    }

    private static String answer(String body) {
        if (body.isEmpty()) {
            return "";
        }
        String first = body.lines().findFirst().orElse("");
        String cut = first.length() > MAX_ANSWER_CHARS ? first.substring(0, MAX_ANSWER_CHARS) + "..." : first;
        return ": " + cut.replaceAll("\\p{Cntrl}", "?") + hint(first.strip());
    }

    private static String hint(String error) {
        String hint = HINTS.get(error);
        return hint == null ? "" : " (" + hint + ")";
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static Delivery failed(SlackDestination destination, String problem) {
        return new Delivery(false, destination.redact(problem));
    }
}
