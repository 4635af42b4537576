package io.pypub.core.notify;

import io.pypub.core.release.Stage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a notifier says about a failed publish. The error is cut to its first lines: a build log
 * or stack trace belongs in the build, not in a chat channel.
 *
 * @param project     the project name if the build got far enough to know it, else null
 * @param projectDir  the folder that was being published (its name helps when the project is unknown), or null
 * @param error       the failure's message, first lines only
 */
public record FailureNotice(
        String project,
        String projectDir,
        String stage,
        String error,
        String publishedBy,
        String sourceRevision) {

    public static final int MAX_ERROR_LINES = 8;
    public static final int MAX_ERROR_CHARS = 1500;

    public FailureNotice {
        Objects.requireNonNull(stage, "stage");
        error = firstLines(error);
    }

    /** The notice of a failed publish of {@code projectDir} to {@code stage}; {@code project} is null when still unknown. */
    public static FailureNotice of(String project, Path projectDir, Stage stage, Throwable error, String publishedBy,
            String sourceRevision) {
        return new FailureNotice(project, projectDir == null ? null : projectDir.toString(), stage.name(), describe(error),
                publishedBy, sourceRevision);
    }

    /** The project if known, else the folder's last segment, else "unknown project". */
    public String subject() {
        if (project != null && !project.isBlank()) {
            return project;
        }
        if (projectDir != null && !projectDir.isBlank()) {
            Path name = Path.of(projectDir).getFileName();
            return name == null ? projectDir : name.toString();
        }
        return "unknown project";
    }

    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    static String firstLines(String text) {
        if (text == null || text.isBlank()) {
            return "unknown error";
        }
        String[] lines = text.strip().split("\\R", MAX_ERROR_LINES + 1);
        boolean cut = lines.length > MAX_ERROR_LINES;
        String kept = String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, MAX_ERROR_LINES)));
        if (kept.length() > MAX_ERROR_CHARS) {
            kept = kept.substring(0, MAX_ERROR_CHARS);
            cut = true;
        }
        return cut ? kept + "\n..." : kept;
    }
}
