package io.pypub.core.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches pdoc's output as it streams by: the runner keeps only the last lines, but Python prints
 * the root cause of an import failure first, and pdoc's "Warn:" lines about skipped submodules
 * are easy to miss in a long build log.
 */
final class PdocOutput implements Consumer<String> {
    private static final Pattern MISSING_MODULE = Pattern.compile("No module named '?([A-Za-z0-9_.]+)'?");
    private static final Pattern EXCEPTION = Pattern.compile("^([A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception)): .+");
    private static final Pattern ANSI_COLOR = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final int MAX_WARNINGS = 20;

    private final Consumer<String> forward;
    private final List<String> missingModules = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String firstException;

    PdocOutput(Consumer<String> forward) {
        this.forward = forward;
    }

    @Override
    public synchronized void accept(String raw) {
        forward.accept(raw);
        String line = ANSI_COLOR.matcher(raw).replaceAll(""); // pdoc colours its output when it sees a terminal
        Matcher missing = MISSING_MODULE.matcher(line);
        if (missing.find() && !missingModules.contains(missing.group(1))) {
            missingModules.add(missing.group(1));
        }
        if (firstException == null && EXCEPTION.matcher(line).matches()) {
            firstException = line;
        }
        if (line.startsWith("Warn: ") && warnings.size() < MAX_WARNINGS) {
            warnings.add(line.substring("Warn: ".length()));
        }
    }

    synchronized List<String> missingModules() {
        return List.copyOf(missingModules);
    }

    /** The first {@code SomeError: message} line, which for a chained traceback is the root cause; may be null. */
    synchronized String firstException() {
        return firstException;
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }
}
