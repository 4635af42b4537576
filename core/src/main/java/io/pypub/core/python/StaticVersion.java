package io.pypub.core.python;

import io.pypub.core.project.ProjectName;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The project name and version a Python project states statically, read without building it:
 * {@code [project] name/version} of pyproject.toml (PEP 621), or for setuptools projects without a
 * {@code [project]} table, {@code [metadata] name/version} of setup.cfg. With a version suffix
 * (applied by {@link VersionSuffix} through setuptools' {@code tag_build}) the version is the
 * stated one with the suffix appended, as the build will produce it.
 *
 * <p>Used to refuse a version that is already published before spending minutes on the build.
 * It must never refuse a publish that would have succeeded, so every doubt means "unknown"
 * (empty): a version listed in {@code dynamic}, {@code attr:}/{@code file:} in setup.cfg, a
 * setup.py that mentions a version, a file that does not parse, keys spelled in ways this reader
 * does not follow. The check after the build (on the built files' metadata) stays the authority.
 *
 * <p>Why a small reader and no TOML library: none is a dependency of core, and core also runs
 * inside Jenkins (plugin and, through remoting, agents) where every added jar is bundled and class
 * loaded next to other plugins' copies. Only one table and three keys are needed; the reader
 * follows TOML's strings (basic, literal, multi-line), comments, arrays over several lines and
 * table headers, which is what decides where {@code [project]} starts and ends.
 *
 * @param name the name as stated
 * @param project the PEP 503 normalized name
 * @param version the version the build will produce (with the suffix)
 * @param source where it was read, e.g. "pyproject.toml [project]"
 */
public record StaticVersion(String name, String project, Version version, String source) {

    /** The statically stated name and version of the project in this folder, or empty when in doubt. */
    public static Optional<StaticVersion> read(Path projectDir, String versionSuffix) {
        try {
            Optional<String[]> stated = fromPyproject(projectDir.resolve("pyproject.toml"));
            String source = "pyproject.toml [project]";
            if (stated == null) { // no [project] table: setuptools may take them from setup.cfg
                stated = VersionSuffix.backend(projectDir).startsWith("setuptools") ? fromSetupCfg(projectDir) : Optional.empty();
                source = "setup.cfg [metadata]";
            }
            if (stated.isEmpty()) {
                return Optional.empty();
            }
            String name = stated.get()[0];
            String raw = stated.get()[1] + (versionSuffix == null ? "" : versionSuffix.strip());
            if (!Version.isValid(raw)) {
                return Optional.empty();
            }
            return Optional.of(new StaticVersion(name, ProjectName.of(name).normalized(), Version.parse(raw), source));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or unusual: the build decides
        }
    }

    // ---- pyproject.toml ----

    /**
     * {name, version} of the [project] table; empty when it is there but the version is not static
     * (or anything is in doubt); null when there is no pyproject.toml or no [project] table.
     */
    static Optional<String[]> fromPyproject(Path pyproject) throws IOException {
        if (!Files.isRegularFile(pyproject)) {
            return null;
        }
        List<Entry> entries = TomlLines.entries(Files.readString(pyproject, StandardCharsets.UTF_8));
        if (entries == null) {
            return Optional.empty(); // does not parse here: let the build report it
        }
        boolean hasProject = false;
        String name = null;
        String version = null;
        boolean dynamicVersion = false;
        for (Entry e : entries) {
            if (e.table() == null && e.key().startsWith("project.") || "project".equals(e.key()) && e.table() == null) {
                return Optional.empty(); // [project] as dotted keys or an inline table: not followed here
            }
            if (e.isHeader()) {
                if ("project".equals(e.table())) {
                    if (hasProject) {
                        return Optional.empty(); // twice: invalid TOML
                    }
                    hasProject = true;
                }
                continue;
            }
            if (!"project".equals(e.table())) {
                continue;
            }
            switch (e.key()) {
                case "name" -> name = TomlLines.string(e.value());
                case "version" -> {
                    version = TomlLines.string(e.value());
                    if (version == null) {
                        return Optional.empty();
                    }
                }
                case "dynamic" -> {
                    List<String> items = TomlLines.stringArray(e.value());
                    if (items == null) {
                        return Optional.empty();
                    }
                    dynamicVersion = items.contains("version");
                }
                default -> {
                    if (e.key().startsWith("version.") || e.key().startsWith("name.")) {
                        return Optional.empty();
                    }
                }
            }
        }
        if (!hasProject) {
            return null;
        }
        if (dynamicVersion || version == null || name == null) {
            return Optional.empty();
        }
        return Optional.of(new String[] {name, version});
    }

    /** One key = value of a TOML document, or a table header (key and value null), with its table. */
    record Entry(String table, String key, String value) {
        boolean isHeader() {
            return value == null;
        }
    }

    /** The minimal TOML reading described in the class comment. Returns null for what it cannot follow. */
    static final class TomlLines {
        private TomlLines() {}

        static List<Entry> entries(String text) {
            List<Entry> out = new ArrayList<>();
            String table = null;
            int i = 0;
            int n = text.length();
            while (i < n) {
                // skip blank space and comments between entries
                char c = text.charAt(i);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    i++;
                    continue;
                }
                if (c == '#') {
                    i = lineEnd(text, i);
                    continue;
                }
                if (c == '[') {
                    boolean array = i + 1 < n && text.charAt(i + 1) == '[';
                    int close = text.indexOf(array ? "]]" : "]", i);
                    int eol = lineEnd(text, i);
                    if (close < 0 || close > eol) {
                        return null;
                    }
                    String name = key(text.substring(i + (array ? 2 : 1), close));
                    if (name == null) {
                        return null;
                    }
                    table = array ? "[[" + name + "]]" : name;
                    out.add(new Entry(table, table, null));
                    i = close + (array ? 2 : 1);
                    int after = skipTrailing(text, i);
                    if (after < 0) {
                        return null;
                    }
                    i = after;
                    continue;
                }
                int eq = text.indexOf('=', i);
                int eol = lineEnd(text, i);
                if (eq < 0 || eq > eol) {
                    return null;
                }
                String k = key(text.substring(i, eq));
                if (k == null) {
                    return null;
                }
                int valueStart = eq + 1;
                int valueEnd = valueEnd(text, valueStart);
                if (valueEnd < 0) {
                    return null;
                }
                out.add(new Entry(table, k, text.substring(valueStart, valueEnd).strip()));
                int after = skipTrailing(text, valueEnd);
                if (after < 0) {
                    return null;
                }
                i = after;
            }
            return out;
        }

        private static int lineEnd(String text, int from) {
            int nl = text.indexOf('\n', from);
            return nl < 0 ? text.length() : nl;
        }

        /** After a value or header: only blanks and a comment may follow on that line. */
        private static int skipTrailing(String text, int from) {
            int i = from;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r')) {
                i++;
            }
            if (i >= text.length() || text.charAt(i) == '\n') {
                return i;
            }
            return text.charAt(i) == '#' ? lineEnd(text, i) : -1;
        }

        /** A bare, quoted or dotted key, with the parts joined by '.' and quotes removed; null if odd. */
        static String key(String raw) {
            String s = raw.strip();
            if (s.isEmpty()) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            for (String part : s.split("\\.", -1)) {
                String p = part.strip();
                if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("'") && p.endsWith("'"))) {
                    p = p.substring(1, p.length() - 1);
                    if (p.contains("\\") || p.contains(".")) {
                        return null;
                    }
                } else if (!p.matches("[A-Za-z0-9_-]+")) {
                    return null;
                }
                b.append(b.length() == 0 ? "" : ".").append(p);
            }
            return b.toString();
        }

        /**
         * Where the value starting at {@code from} ends: strings (also multi-line), arrays and
         * inline tables (also over several lines) are followed; anything else ends at the line's
         * end or a comment. -1 when a string or bracket is not closed.
         */
        static int valueEnd(String text, int from) {
            int i = from;
            int n = text.length();
            int depth = 0;
            while (i < n) {
                char c = text.charAt(i);
                if (text.startsWith("\"\"\"", i) || text.startsWith("'''", i)) {
                    String q = text.substring(i, i + 3);
                    int close = findClose(text, i + 3, q);
                    if (close < 0) {
                        return -1;
                    }
                    i = close + 3;
                    while (i < n && text.charAt(i) == q.charAt(0)) {
                        i++; // up to two quotes may end the content right before the delimiter
                    }
                    continue;
                }
                if (c == '"' || c == '\'') {
                    int close = findClose(text, i + 1, String.valueOf(c));
                    if (close < 0 || text.substring(i, close).indexOf('\n') >= 0) {
                        return -1;
                    }
                    i = close + 1;
                    continue;
                }
                if (c == '[' || c == '{') {
                    depth++;
                } else if (c == ']' || c == '}') {
                    depth--;
                    if (depth < 0) {
                        return -1;
                    }
                } else if (c == '#') {
                    if (depth == 0) {
                        return trimEnd(text, from, i);
                    }
                    i = lineEnd(text, i);
                    continue;
                } else if (c == '\n' && depth == 0) {
                    return trimEnd(text, from, i);
                }
                i++;
            }
            return depth == 0 ? n : -1;
        }

        private static int trimEnd(String text, int from, int end) {
            int e = end;
            while (e > from && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            return e;
        }

        /** Index of the closing delimiter; basic strings ("...", """...""") honour backslash escapes. */
        private static int findClose(String text, int from, String delimiter) {
            boolean basic = delimiter.charAt(0) == '"';
            int i = from;
            while (i < text.length()) {
                if (basic && text.charAt(i) == '\\') {
                    i += 2;
                    continue;
                }
                if (text.startsWith(delimiter, i)) {
                    return i;
                }
                i++;
            }
            return -1;
        }

        /** The content of a one-line basic or literal string value; null for anything else (or escapes). */
        static String string(String value) {
            if (value == null || value.length() < 2) {
                return null;
            }
            char q = value.charAt(0);
            if ((q != '"' && q != '\'') || value.charAt(value.length() - 1) != q || value.startsWith(String.valueOf(q).repeat(3))) {
                return null;
            }
            String content = value.substring(1, value.length() - 1);
            if (content.indexOf(q) >= 0 || (q == '"' && content.indexOf('\\') >= 0)) {
                return null;
            }
            return content;
        }

        /** The strings of an array value such as {@code ["version", 'readme']}; null for anything else. */
        static List<String> stringArray(String value) {
            String v = value.strip();
            if (!v.startsWith("[") || !v.endsWith("]")) {
                return null;
            }
            List<String> items = new ArrayList<>();
            String inner = stripComments(v.substring(1, v.length() - 1));
            for (String part : inner.split(",", -1)) {
                String p = part.strip();
                if (p.isEmpty()) {
                    continue; // trailing comma, blank lines
                }
                String s = string(p);
                if (s == null) {
                    return null;
                }
                items.add(s);
            }
            return items;
        }

        /** Removes comments from the lines of an array of plain strings (no '#' or ',' inside its strings). */
        private static String stripComments(String s) {
            StringBuilder b = new StringBuilder();
            for (String line : s.split("\n", -1)) {
                int hash = line.indexOf('#');
                b.append(hash < 0 ? line : line.substring(0, hash)).append('\n');
            }
            return b.toString();
        }
    }

    // ---- setup.cfg ----

    /** {name, version} of setup.cfg's [metadata] when the version is a plain value; empty otherwise. */
    static Optional<String[]> fromSetupCfg(Path projectDir) throws IOException {
        Path cfg = projectDir.resolve("setup.cfg");
        if (!Files.isRegularFile(cfg)) {
            return Optional.empty();
        }
        Path setupPy = projectDir.resolve("setup.py");
        if (Files.isRegularFile(setupPy)
                && Files.readString(setupPy, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("version")) {
            return Optional.empty(); // setup(version=...) would win over setup.cfg
        }
        String section = null;
        String lastKey = null;
        String name = null;
        String version = null;
        for (String line : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && lastKey != null) {
                if ("metadata".equals(section) && ("version".equals(lastKey) || "name".equals(lastKey))) {
                    return Optional.empty(); // a value over several lines: not a plain version
                }
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                section = t.substring(1, t.length() - 1).strip();
                lastKey = null;
                continue;
            }
            int eq = t.indexOf('=');
            int colon = t.indexOf(':');
            int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            if (sep <= 0) {
                return Optional.empty();
            }
            lastKey = t.substring(0, sep).strip().toLowerCase(Locale.ROOT);
            String value = t.substring(sep + 1).strip();
            if ("metadata".equals(section)) {
                if ("name".equals(lastKey)) {
                    name = value;
                } else if ("version".equals(lastKey)) {
                    version = value;
                }
            }
        }
        if (name == null || version == null || name.isEmpty() || version.startsWith("attr:") || version.startsWith("file:")) {
            return Optional.empty();
        }
        return Optional.of(new String[] {name, version});
    }
}
