package io.pypub.core.testing;

import io.pypub.core.progress.PublishLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link PublishLog} that keeps every line (and echoes it) so tests can read what users would see. */
public class RecordingLog implements PublishLog {
    public final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        lines.add(message);
        System.out.println(message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARNING: " + message);
        System.out.println("WARNING: " + message);
    }

    public String text() {
        return String.join("\n", lines);
    }
}
