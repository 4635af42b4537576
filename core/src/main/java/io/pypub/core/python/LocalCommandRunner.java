package io.pypub.core.python;

import io.pypub.core.util.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@link CommandRunner} with {@link ProcessBuilder}; keeps the last lines for error messages. */
public final class LocalCommandRunner implements CommandRunner {
    private static final int TAIL_LINES = 40;

    @Override
    public CommandResult run(List<String> command, Path workDir, Map<String, String> env, Duration timeout, Consumer<String> output) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close(); // the tools never read input; EOF stops any prompt
        } catch (IOException ignored) {
            // already closed
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = DaemonThreads.named("output of " + command.get(0)).newThread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    output.accept(line);
                }
            } catch (IOException e) {
                // process ended; nothing more to read
            }
        });
        reader.start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
        synchronized (tail) {
            return new CommandResult(finished ? p.exitValue() : -1, new ArrayList<>(tail), !finished);
        }
    }
}
