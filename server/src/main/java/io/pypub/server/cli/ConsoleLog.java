package io.pypub.server.cli;

import io.pypub.core.progress.PublishLog;
import java.io.PrintStream;

/** Progress for a person at a terminal: on stderr, so stdout stays clean for --json. */
final class ConsoleLog implements PublishLog {
    private final PrintStream out;
    private final boolean showToolOutput;

    ConsoleLog(PrintStream out, boolean showToolOutput) {
        this.out = out;
        this.showToolOutput = showToolOutput;
    }

    @Override
    public void info(String message) {
        out.println(message);
    }

    @Override
    public void warn(String message) {
        out.println("WARNING: " + message);
    }

    @Override
    public void tool(String line) {
        if (showToolOutput) {
            out.println("  | " + line);
        }
    }
}
