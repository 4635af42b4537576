package io.pypub.core.config;

import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The rules of the upstream settings (issue 14). Each holds ';'-separated entries, as one environment
 * variable must; {@code io.pypub.core.upstream.UpstreamSettings} builds the stages' upstreams from the
 * checked entries. Reasons never repeat the text (it may hold credentials).
 */
final class UpstreamRules {
    private UpstreamRules() {}

    /** {@code STAGE=URL} entries: the stage's upstream simple indexes, asked in order. */
    static Parser<List<String>> upstreams() {
        return entries("STAGE=URL entries separated by ';', e.g. dev=https://pypi.org/simple/", entry -> {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("an upstream is STAGE=URL, e.g. dev=https://pypi.org/simple/");
            }
            stage(entry.substring(0, eq));
            url(entry.substring(eq + 1).strip());
        });
    }

    /** {@code cache}, {@code redirect}, or {@code STAGE=MODE} entries. */
    static Parser<List<String>> modes() {
        return entries("cache or redirect, or STAGE=MODE entries separated by ';'", entry -> {
            int eq = entry.indexOf('=');
            if (eq >= 0) {
                stage(entry.substring(0, eq));
            }
            String mode = entry.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            if (!mode.equals("cache") && !mode.equals("redirect")) {
                throw new IllegalArgumentException("an upstream mode is cache or redirect");
            }
        });
    }

    /** {@code [STAGE=]PATTERN,PATTERN} entries: project names with {@code *} and {@code ?} wildcards. */
    static Parser<List<String>> privateNames() {
        return entries("[STAGE=]PATTERN,PATTERN entries separated by ';', e.g. dev=acme-*,internal-*", entry -> {
            int eq = entry.indexOf('=');
            if (eq >= 0) {
                stage(entry.substring(0, eq));
            }
            for (String pattern : entry.substring(eq + 1).split(",")) {
                if (!pattern.isBlank() && !pattern.strip().matches("[A-Za-z0-9*?._-]+")) {
                    throw new IllegalArgumentException("a private name pattern is a project name with * and ? wildcards, got '"
                            + ProjectName.printable(pattern.strip()) + "'");
                }
            }
        });
    }

    private static Parser<List<String>> entries(String rule, Consumer<String> check) {
        return new Parser<>(rule, text -> {
            List<String> entries = Arrays.stream(text.split(";")).map(String::strip).filter(e -> !e.isEmpty()).toList();
            entries.forEach(check);
            return entries;
        });
    }

    private static void stage(String name) {
        Stage.of(name.strip()); // its message says what a stage name is
    }

    private static void url(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: an upstream must look like https://pypi.org/simple/");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("an upstream must be an http(s) URL with a host, such as https://pypi.org/simple/");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an upstream URL takes no query or fragment");
        }
    }
}
