package io.pypub.core.release;

import java.util.Objects;

/**
 * The Slack message that announced a release: its channel id and {@code ts}, as {@code chat.postMessage}
 * answered. Later notices about the release reply to it ({@code thread_ts}), so a release has one thread.
 */
public record SlackThread(String channel, String ts) {
    public SlackThread {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(ts, "ts");
    }
}
