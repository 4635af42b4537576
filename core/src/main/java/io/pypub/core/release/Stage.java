package io.pypub.core.release;

import io.pypub.core.project.ProjectName;
import java.io.Serializable;

/**
 * A release stage such as {@code dev}, {@code test} or {@code prod}. Stages are path segments in
 * S3 keys and URLs, so they are restricted to lower-case letters, digits and '-'.
 * Serializable: the Jenkins plugin sends it to the agent with the publish request (checked again there).
 */
public record Stage(String name) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Stage {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("Invalid stage '" + ProjectName.printable(name)
                    + "': use 1 to 32 lower-case letters, digits or '-', starting with a letter (e.g. dev, test, prod)");
        }
        if (name.equals("docs") || name.equals("healthz") || name.equals("readyz") || name.equals("metrics")) {
            throw new IllegalArgumentException("Stage name '" + name + "' is reserved by the index URLs");
        }
    }

    /** {@code ^[a-z][a-z0-9-]{0,31}$}, written out: the index parses a stage on every request. */
    static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > 32 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static Stage of(String name) {
        return new Stage(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
