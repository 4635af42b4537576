package io.pypub.core.notify;

import io.pypub.core.release.Stage;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a lifecycle operation (promote, yank, unyank, rollback, unpin) changed, for people: Slack replies in the
 * release's thread. Only operations that changed something are announced.
 *
 * @param operation {@code promote}, {@code yank}, {@code unyank}, {@code rollback} or {@code unpin}
 * @param stage     the stage that changed (promote: the target stage)
 * @param from      promote only: the source stage, whose release's thread is replied to; null otherwise
 * @param version   the release concerned (unpin: the version that was pinned), or null if none
 * @param message   core's sentence saying what happened (the same the command line and Jenkins print)
 * @param actor     who did it (a build URL or user@host)
 * @param reason    the yank or rollback reason, or null
 */
public record LifecycleNotice(
        String operation,
        Stage stage,
        Stage from,
        String project,
        String version,
        String message,
        String actor,
        String reason) {

    /** Stage names that count as production: their events are also broadcast to the channel. */
    public static final Set<String> PRODUCTION_STAGES = Set.of("prod", "production");

    public LifecycleNotice {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(message, "message");
    }

    /** Whether a reply in the thread is also sent to the channel ({@code reply_broadcast}): production events are. */
    public boolean broadcast() {
        return PRODUCTION_STAGES.contains(stage.name().toLowerCase(Locale.ROOT));
    }

    /** The stage whose release record holds the thread to reply to: the source stage for a promote. */
    public Stage threadStage() {
        return from != null ? from : stage;
    }
}
