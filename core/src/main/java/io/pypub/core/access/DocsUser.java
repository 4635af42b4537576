package io.pypub.core.access;

import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/** A person who may read the docs of some stages; the password is kept only as a slow, salted hash. */
public record DocsUser(String name, Set<String> stages, String passwordHash, Instant created, Instant updated) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    /** Names are what people type in a login prompt: no ':' (HTTP Basic), spaces or control characters. */
    public static String validName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new AccessException("User names are 1 to 64 letters, digits, '.', '_', '@', '+' or '-', starting with a letter or digit");
        }
        return name;
    }

    public boolean allowsStage(String stage) {
        return stages.contains(stage);
    }

    @Override
    public String toString() {
        return "DocsUser[" + name + ", stages=" + stages + "]";
    }
}
