package io.pypub.jenkins;

import io.pypub.core.python.CommandRunner;
import io.pypub.core.python.LocalCommandRunner;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs core's build commands on the agent with the pipeline's environment (withEnv, tool
 * installations, an activated virtualenv), as {@code sh} would. The executable is looked up on
 * that environment's PATH, because a Java process only searches its own PATH.
 */
final class EnvCommandRunner implements CommandRunner {
    private final Map<String, String> env;
    private final CommandRunner delegate = new LocalCommandRunner();

    EnvCommandRunner(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public CommandResult run(List<String> command, Path workDir, Map<String, String> extraEnv, Duration timeout,
            Consumer<String> output) {
        Map<String, String> merged = new HashMap<>(env);
        merged.putAll(extraEnv);
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, onPath(command.get(0), merged.get("PATH")));
        return delegate.run(resolved, workDir, merged, timeout, output);
    }

    static String onPath(String executable, String path) {
        if (executable.contains("/") || executable.contains(File.separator) || path == null) {
            return executable;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            File candidate = new File(dir, executable);
            if (candidate.isFile() && candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return executable;
    }
}
