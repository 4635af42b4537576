package io.pypub.core.release;

import io.pypub.core.project.ProjectName;
import java.util.regex.Pattern;

/**
 * A release stage such as {@code dev}, {@code test} or {@code prod}. Stages are path segments in
 * S3 keys and URLs, so they are restricted to lower-case letters, digits and '-'.
 */
public record Stage(String name) {
    private static final Pattern VALID = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");

    public Stage {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid stage '" + ProjectName.printable(name)
                    + "': use 1 to 32 lower-case letters, digits or '-', starting with a letter (e.g. dev, test, prod)");
        }
        if (name.equals("docs") || name.equals("healthz") || name.equals("metrics")) {
            throw new IllegalArgumentException("Stage name '" + name + "' is reserved by the index URLs");
        }
    }

    public static Stage of(String name) {
        return new Stage(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
