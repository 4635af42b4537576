package io.pypub.core.publish;

import io.pypub.core.release.Stage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one publish needs from its caller (pypub publish, the Jenkins step, a test).
 * Build with {@link #builder(Path, Stage)}; defaults are what a plain {@code publishPythonPackage} does.
 */
public record PublishRequest(
        Path projectDir,
        Stage stage,
        String python,
        boolean wheel,
        boolean buildIsolation,
        boolean overwrite,
        String publishedBy,
        String sourceRevision,
        Duration buildTimeout) {

    public PublishRequest {
        Objects.requireNonNull(projectDir, "projectDir");
        Objects.requireNonNull(stage, "stage");
        python = python == null || python.isBlank() ? "python3" : python;
        buildTimeout = buildTimeout == null ? Duration.ofMinutes(30) : buildTimeout;
    }

    public static Builder builder(Path projectDir, Stage stage) {
        return new Builder(projectDir, stage);
    }

    /** Fluent construction with the defaults above. */
    public static final class Builder {
        private final Path projectDir;
        private final Stage stage;
        private String python;
        private boolean wheel = true;
        private boolean buildIsolation = true;
        private boolean overwrite;
        private String publishedBy;
        private String sourceRevision;
        private Duration buildTimeout;

        private Builder(Path projectDir, Stage stage) {
            this.projectDir = projectDir;
            this.stage = stage;
        }

        public Builder python(String python) {
            this.python = python;
            return this;
        }

        public Builder wheel(boolean wheel) {
            this.wheel = wheel;
            return this;
        }

        public Builder buildIsolation(boolean buildIsolation) {
            this.buildIsolation = buildIsolation;
            return this;
        }

        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        public Builder publishedBy(String publishedBy) {
            this.publishedBy = publishedBy;
            return this;
        }

        public Builder sourceRevision(String sourceRevision) {
            this.sourceRevision = sourceRevision;
            return this;
        }

        public Builder buildTimeout(Duration buildTimeout) {
            this.buildTimeout = buildTimeout;
            return this;
        }

        public PublishRequest build() {
            return new PublishRequest(projectDir, stage, python, wheel, buildIsolation, overwrite, publishedBy,
                    sourceRevision, buildTimeout);
        }
    }
}
