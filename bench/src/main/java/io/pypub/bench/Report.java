package io.pypub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small Markdown report: written to a file and printed. Targets ({@link #target}) are collected and
 * written last as one table, each "met", "missed" or "not judged", so every benchmark states its
 * targets the same way.
 */
final class Report {
    private final StringBuilder md = new StringBuilder();
    private final List<List<String>> targets = new ArrayList<>();

    Report(String title) {
        md.append("# ").append(title).append("\n\n");
    }

    Report line(String text) {
        md.append(text).append('\n');
        return this;
    }

    Report table(List<String> header, List<List<String>> rows) {
        md.append('\n').append(row(header)).append(row(header.stream().map(h -> "---").toList()));
        rows.forEach(r -> md.append(row(r)));
        md.append('\n');
        return this;
    }

    /**
     * A target of an issue, e.g. {@code target("3. 126 KB wheel: pypub / pypiserver rate", 1.2, ">= 1.0", 1.2 >= 1.0)}.
     * A NaN value (no round could be measured) is reported as not judged instead of met or missed.
     */
    Report target(String name, double value, String goal, boolean met) {
        return Double.isNaN(value) ? notJudged(name, goal, "no round measured")
                : target(name, fmt(value, Math.abs(value) >= 100 ? 0 : 2), goal, met);
    }

    /** As {@link #target(String, double, String, boolean)} with the measured value already formatted (units, several numbers). */
    Report target(String name, String measured, String goal, boolean met) {
        targets.add(List.of(name, measured, goal, met ? "met" : "**missed**"));
        return this;
    }

    /** A target this run could not judge, and why (the machine too busy, measured by another benchmark, ...). */
    Report notJudged(String name, String goal, String why) {
        targets.add(List.of(name, "-", goal, "not judged: " + why));
        return this;
    }

    /** The load average before each round and the rounds refused as too busy (see {@link LoadGate}). */
    Report load(LoadGate gate) {
        return line("").line(gate.describe());
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    void write(Path file) {
        if (!targets.isEmpty()) {
            line("").line("Targets:");
            table(List.of("target", "measured", "goal", "verdict"), targets);
            targets.clear();
        }
        try {
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println();
        System.out.print(md);
        System.out.println("(written to " + file + ")");
    }

    static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String ratio(double ours, double baseline) {
        return fmt(ours / baseline, 2);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
