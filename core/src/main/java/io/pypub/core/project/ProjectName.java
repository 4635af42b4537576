package io.pypub.core.project;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Python project name: validated against the core metadata spec and normalized per PEP 503
 * ({@code Foo.Bar_baz} becomes {@code foo-bar-baz}), which is the form used in S3 keys,
 * DynamoDB keys and index URLs.
 */
public final class ProjectName {
    private static final Pattern VALID =
            Pattern.compile("^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
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

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
    }

    public static String normalize(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
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
