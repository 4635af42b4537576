package io.pypub.core.util;

import io.pypub.core.project.ProjectName;
import java.nio.charset.StandardCharsets;

/** Checks S3 object keys that people type (backup keys): relative, no dot segments, printable, not too long. */
public final class ObjectKeys {
    /** S3's limit, in UTF-8 bytes. */
    public static final int MAX_BYTES = 1024;

    private ObjectKeys() {}

    /** Returns {@code key} if it is a plain relative object key, else throws {@link IllegalArgumentException} saying why. */
    public static String requireValid(String key, String option) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(option + " is empty: give an object key like backups/versions.jsonl");
        }
        String shown = ProjectName.printable(key);
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("Invalid " + option + " '" + shown + "': an object key is relative to the bucket "
                    + "(and prefix); leave out the leading '/'");
        }
        if (key.endsWith("/")) {
            throw new IllegalArgumentException("Invalid " + option + " '" + shown + "': that names a folder, not an object");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) {
                throw new IllegalArgumentException("Invalid " + option + " '" + shown + "': no '.', '..' or empty segments");
            }
        }
        if (key.chars().anyMatch(c -> Character.isISOControl(c) || c == '\\' || c == '\u007f')) {
            throw new IllegalArgumentException("Invalid " + option + " '" + shown + "': only printable characters, no backslashes");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("Invalid " + option + ": longer than S3's " + MAX_BYTES + " bytes");
        }
        return key;
    }
}
