package io.pypub.core.publish;

import io.pypub.core.progress.PublishLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The log of a build started before the publish knows it may go ahead ({@link PublishBuild}): its lines are kept
 * until {@link #release} passes them on (and every later one as it comes), or {@link #discard} drops them, so a
 * refused publish prints what it printed before the build ran concurrently: the refusal alone.
 */
final class HeldLog implements PublishLog {
    private final PublishLog target;
    private List<Consumer<PublishLog>> held = new ArrayList<>(); // null once released or discarded
    private boolean discarded;

    HeldLog(PublishLog target) {
        this.target = target;
    }

    @Override
    public void info(String message) {
        pass(log -> log.info(message));
    }

    @Override
    public void warn(String message) {
        pass(log -> log.warn(message));
    }

    @Override
    public void tool(String line) {
        pass(log -> log.tool(line));
    }

    private synchronized void pass(Consumer<PublishLog> line) {
        if (held != null) {
            held.add(line);
        } else if (!discarded) {
            line.accept(target);
        }
    }

    /** Passes on the lines kept so far, in order, and from now on each line as it comes. */
    synchronized void release() {
        if (held != null) {
            held.forEach(line -> line.accept(target));
            held = null;
        }
    }

    /** Drops the lines kept and every later one (unless already released). */
    synchronized void discard() {
        if (held != null) {
            held = null;
            discarded = true;
        }
    }
}
