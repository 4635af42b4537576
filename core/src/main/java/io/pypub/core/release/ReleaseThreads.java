package io.pypub.core.release;

import java.util.Optional;

/**
 * Where a release's Slack thread is kept: with the release record (the version table's release item).
 * Implementations may throw; {@link io.pypub.core.notify.slack.SlackNotifier} turns any failure into a warning,
 * because a notification never fails a publish or a lifecycle operation.
 */
public interface ReleaseThreads {

    /** Stores the thread with the release (stage, normalized project, version as recorded). */
    void remember(Stage stage, String project, String version, SlackThread thread);

    /** The release's thread, if its publish was announced with a bot token. */
    Optional<SlackThread> find(Stage stage, String project, String version);

    /** Keeps nothing, finds nothing: messages are never threaded. */
    ReleaseThreads NONE = new ReleaseThreads() {
        @Override
        public void remember(Stage stage, String project, String version, SlackThread thread) {}

        @Override
        public Optional<SlackThread> find(Stage stage, String project, String version) {
            return Optional.empty();
        }
    };
}
