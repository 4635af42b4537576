package io.pypub.core.python;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs an external command (the Python build tools). The CLI runs them as local processes;
 * the Jenkins plugin can plug in its own launcher.
 */
public interface CommandRunner {

    /**
     * Runs {@code command} in {@code workDir} and waits for it.
     *
     * @param output receives each line the command prints (stdout and stderr merged)
     */
    CommandResult run(List<String> command, Path workDir, Map<String, String> env, Duration timeout, Consumer<String> output);

    /** Exit code and the last lines printed, kept for error messages. */
    record CommandResult(int exitCode, List<String> tail, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        public String tailText() {
            return String.join("\n", tail);
        }
    }
}
