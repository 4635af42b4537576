package io.pypub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A small Markdown report: written to a file and printed. */
final class Report {
    private final StringBuilder md = new StringBuilder();

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

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    void write(Path file) {
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
