package io.pypub.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reading what a real {@code pypub} process prints, for tests that start one. */
final class ProcessOutput {
    private ProcessOutput() {}

    /**
     * The process's output up to and including the first line containing {@code marker} (or all of it,
     * if the process ends first). The rest is drained in the background, so the process never blocks
     * on a full pipe.
     */
    static String readUntil(Process p, String marker) {
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try {
            for (String line; (line = in.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.contains(marker)) {
                    Thread drain = new Thread(() -> in.lines().forEach(l -> { }));
                    drain.setDaemon(true);
                    drain.start();
                    return seen.toString();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seen.toString();
    }
}
