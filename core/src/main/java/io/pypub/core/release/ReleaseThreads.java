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

    /**
     * The threads {@code store} keeps, asked for at each use: the store's client need not exist before a notice is
     * sent (the publish command builds it while its build runs).
     */
    static ReleaseThreads lazy(java.util.function.Supplier<ReleaseThreads> store) {
        return new ReleaseThreads() {
            @Override
            public void remember(Stage stage, String project, String version, SlackThread thread) {
                store.get().remember(stage, project, version, thread);
            }

            @Override
            public Optional<SlackThread> find(Stage stage, String project, String version) {
                return store.get().find(stage, project, version);
            }
        };
    }

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
