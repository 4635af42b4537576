package io.pypub.bench;

import io.pypub.core.access.ApiKeyToken;
import io.pypub.core.python.CommandRunner.CommandResult;
import io.pypub.core.python.LocalCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The wrk load generator with a fixed thread and connection count; reads its rate and p99 latency. */
record Wrk(Path binary, int threads, int connections) {
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([\\d.]+)", Pattern.MULTILINE);
    private static final Pattern P99 = Pattern.compile("^\\s+99%\\s+([\\d.]+)(us|ms|s|m)\\s*$", Pattern.MULTILINE);
    private static final Pattern REQUESTS = Pattern.compile("^\\s+(\\d+) requests in", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: (.*)");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** @param socketErrors connect, read, write and timeout errors added up */
    record Result(double rate, double p99Millis, long requests, long socketErrors) {}

    /** @param headers sent with every request ({@code "Name: value"}); an API key in them never shows in messages */
    Result run(String url, int seconds, String... headers) {
        return run(url, seconds, 2, headers);
    }

    /** As {@link #run(String, int, String...)}, counting a response slower than {@code timeoutSeconds} as a timeout (wrk's default: 2 s). */
    Result run(String url, int seconds, int timeoutSeconds, String... headers) {
        List<String> lines = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", timeoutSeconds + "s", "--latency"));
        for (String h : headers) {
            command.addAll(List.of("-H", h));
        }
        command.add(url);
        CommandResult r = new LocalCommandRunner().run(command, Path.of("").toAbsolutePath(), Map.of(),
                Duration.ofSeconds(seconds + 60L), lines::add);
        String text = String.join("\n", lines);
        if (!r.ok()) {
            throw new IllegalStateException(ApiKeyToken.redact(String.join(" ", command)) + " failed:\n" + text);
        }
        Matcher non2xx = NON_2XX.matcher(text);
        if (non2xx.find()) {
            throw new IllegalStateException(url + " answered " + non2xx.group(1) + " requests with an error status:\n" + text);
        }
        Matcher errors = SOCKET_ERRORS.matcher(text);
        long socketErrors = errors.find() ? NUMBER.matcher(errors.group(1)).results().mapToLong(m -> Long.parseLong(m.group())).sum() : 0;
        return new Result(Double.parseDouble(group(RATE, text, url)), p99Millis(text, url),
                Long.parseLong(group(REQUESTS, text, url)), socketErrors);
    }

    private static double p99Millis(String text, String url) {
        Matcher m = P99.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("No p99 latency in wrk's output for " + url + ":\n" + text);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            default -> value * 60_000;
        };
    }

    private static String group(Pattern p, String text, String url) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("Unexpected wrk output for " + url + ":\n" + text);
        }
        return m.group(1);
    }
}
