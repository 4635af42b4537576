package io.pypub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs inside Maven (bench/pom.xml, exec:java) before the benchmarks: writes every {@code bench.*} system property of
 * Maven's JVM (the {@code -Dbench.NAME=VALUE} given to mvn) to a java argument file that the benchmark JVM starts with.
 * So every setting {@link Bench#setting} reads is reachable from the Maven command line without bench/pom.xml naming
 * it; the defaults stay where each setting is read.
 */
public final class ForwardedSettings {
    private ForwardedSettings() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> lines = System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("bench.")).sorted()
                .map(n -> quoted("-D" + n + "=" + System.getProperty(n))).toList();
        Files.write(file, lines);
    }

    /** One argument of a java {@code @file}: in double quotes (values may hold spaces), with \\, " and line breaks escaped. */
    static String quoted(String arg) {
        return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
    }
}
