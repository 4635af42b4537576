package io.pypub.core.project;

import java.util.Locale;
import java.util.Objects;

/**
 * A Python project name: validated against the core metadata spec and normalized per PEP 503
 * ({@code Foo.Bar_baz} becomes {@code foo-bar-baz}), which is the form used in S3 keys,
 * DynamoDB keys and index URLs.
 */
public final class ProjectName {
    private static final int MAX_LENGTH = 200;

    private final String display;
    private final String normalized;

    private ProjectName(String display) {
        this.display = display;
        this.normalized = normalize(display);
    }

    /** Parses a name as written by its author; throws {@link IllegalArgumentException} if it is not a valid name. */
    public static ProjectName of(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("Invalid project name '" + printable(name)
                    + "': use letters, digits, '.', '-' and '_', starting and ending with a letter or digit");
        }
        return new ProjectName(name);
    }

    /**
     * PEP 508's {@code ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$}, case-insensitive, at most 200
     * characters. Written out rather than as a regex: the index checks a name on every request.
     */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH
                || !isAsciiAlnum(name.charAt(0)) || !isAsciiAlnum(name.charAt(name.length() - 1))) {
            return false;
        }
        for (int i = 1; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (!isAsciiAlnum(c) && !isSeparator(c)) {
                return false;
            }
        }
        return true;
    }

    /** PEP 503: runs of '-', '_' and '.' become one '-', and the name is lower-cased. */
    public static String normalize(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean inRun = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isSeparator(c)) {
                if (!inRun) {
                    out.append('-');
                }
                inRun = true;
            } else {
                out.append(c);
                inRun = false;
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == '_' || c == '.';
    }

    /** The name as the package's metadata spells it. */
    public String display() {
        return display;
    }

    /** The PEP 503 normalized name. */
    public String normalized() {
        return normalized;
    }

    /** Shortens and strips control characters so that hostile input is safe to echo in an error. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectName other && normalized.equals(other.normalized);
    }

    @Override
    public int hashCode() {
        return Objects.hash(normalized);
    }

    @Override
    public String toString() {
        return display;
    }
}
