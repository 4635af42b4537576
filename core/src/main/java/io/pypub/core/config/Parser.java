package io.pypub.core.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a setting's text (from an option, a variable, a profile or a Jenkins field) into its value.
 * Throws {@link IllegalArgumentException} with the reason only: {@link Setting#parse} adds which
 * setting and where the text came from.
 *
 * @param rule what a valid value looks like, for help texts and messages
 */
public record Parser<T>(String rule, Function<String, T> parse) {

    public T apply(String text) {
        return parse.apply(text);
    }

    public static Parser<String> text() {
        return new Parser<>("text", s -> s);
    }

    public static Parser<String> matching(Pattern pattern, String rule) {
        return new Parser<>(rule, s -> {
            if (!pattern.matcher(s).matches()) {
                throw new IllegalArgumentException("expected " + rule);
            }
            return s;
        });
    }

    public static Parser<Integer> integer(int min, int max) {
        return new Parser<>("a whole number from " + min + " to " + max, s -> {
            int value;
            try {
                value = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
            }
            return value;
        });
    }

    /** Seconds as a decimal number, e.g. {@code 0.5}. */
    public static Parser<Double> seconds(double min, double max) {
        String rule = "seconds from " + plain(min) + " to " + plain(max);
        return new Parser<>(rule, s -> {
            double value;
            try {
                value = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected " + rule);
            }
            if (!(value >= min && value <= max)) { // also refuses NaN
                throw new IllegalArgumentException("expected " + rule);
            }
            return value;
        });
    }

    public static Parser<Boolean> bool() {
        return new Parser<>("true or false", s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    public static <E extends Enum<E>> Parser<E> choice(Class<E> type) {
        String rule = "one of " + String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
        return new Parser<>(rule, s -> {
            try {
                return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected " + rule);
            }
        });
    }

    /** A size in bytes, e.g. {@code 1GiB} or {@code 500MB}; 0 allowed (it turns the thing off). */
    public static Parser<Long> size() {
        return new Parser<>("a size such as 1GiB or 500MB, or 0", UploadLimits::sizeOrZero);
    }

    public static Parser<Path> path() {
        return new Parser<>("a file path", s -> {
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a file path: " + e.getReason());
            }
        });
    }

    /** Comma-separated values, e.g. {@code 10.0.0.0/8,192.168.1.1}. */
    public static Parser<List<String>> list() {
        return new Parser<>("comma-separated values", s -> Arrays.stream(s.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList());
    }

    /** An endpoint of an S3- or DynamoDB-compatible server: the SDK fails on anything else with a NullPointerException. */
    public static Parser<URI> endpoint() {
        String rule = "an http(s) URL with a host and port, like http://localhost:4566";
        return new Parser<>(rule, s -> {
            URI uri;
            try {
                uri = new URI(s);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("use " + rule);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("use " + rule);
            }
            return uri;
        });
    }

    /**
     * The index's public base URL: pages, summaries and Slack notices build install commands and links
     * on it, so no user-info (a key), query or fragment.
     */
    public static Parser<String> baseUrl() {
        Pattern url = Pattern.compile("https?://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._~/-]*)?");
        String rule = "a base URL like https://pypi.example.com (no user, query or fragment)";
        return new Parser<>(rule, s -> {
            String trimmed = s.replaceAll("/+$", "");
            if (!url.matcher(trimmed).matches()) {
                throw new IllegalArgumentException("expected " + rule);
            }
            return trimmed;
        });
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
