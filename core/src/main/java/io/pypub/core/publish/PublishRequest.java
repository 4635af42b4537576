package io.pypub.core.publish;

import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one publish needs from its caller (pypub publish, the Jenkins step, a test).
 * Build with {@link #builder(Path, Stage)}; defaults are what a plain {@code publishPythonPackage} does.
 *
 * @param docsModules modules to document; empty means detect them from the wheel
 * @param versionSuffix appended to the version at build time (e.g. {@code .dev42}); setuptools only
 * @param indexUrl the index's public base URL for links in the summary and Slack, or null
 * @param docsPython an interpreter prepared for pdoc (pdoc and the package's dependencies installed), or
 *     null: pdoc then runs with {@code python}, the package's dependencies installed from the target
 *     stage into a throwaway folder
 */
public record PublishRequest(
        Path projectDir,
        Stage stage,
        String python,
        boolean wheel,
        boolean buildIsolation,
        boolean overwrite,
        boolean docs,
        List<String> docsModules,
        String versionSuffix,
        String publishedBy,
        String sourceRevision,
        String indexUrl,
        Duration buildTimeout,
        String docsPython) {

    public PublishRequest {
        Objects.requireNonNull(projectDir, "projectDir");
        Objects.requireNonNull(stage, "stage");
        python = python == null || python.isBlank() ? io.pypub.core.config.Settings.PYTHON.defaultValue() : python;
        docsModules = docsModules == null ? List.of() : List.copyOf(docsModules);
        versionSuffix = versionSuffix == null || versionSuffix.isBlank() ? null : versionSuffix.strip();
        if (versionSuffix != null && !Version.isValid("1" + versionSuffix)) {
            throw new IllegalArgumentException("Invalid version suffix '" + versionSuffix
                    + "': it must turn a version into a PEP 440 version, e.g. .dev42, .post1, rc1 or +build.7");
        }
        indexUrl = indexUrl == null || indexUrl.isBlank() ? null : indexUrl.strip();
        if (indexUrl != null) {
            new io.pypub.core.notify.IndexLinks(indexUrl); // refuse a bad URL now, not after the release is recorded
        }
        buildTimeout = buildTimeout == null
                ? Duration.ofMinutes(Long.parseLong(io.pypub.core.config.Settings.BUILD_TIMEOUT.defaultValue())) : buildTimeout;
        docsPython = docsPython == null || docsPython.isBlank() ? null : docsPython.strip();
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
        private boolean docs = true;
        private List<String> docsModules;
        private String versionSuffix;
        private String publishedBy;
        private String sourceRevision;
        private String indexUrl;
        private Duration buildTimeout;
        private String docsPython;

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

        public Builder docs(boolean docs) {
            this.docs = docs;
            return this;
        }

        public Builder docsModules(List<String> docsModules) {
            this.docsModules = docsModules;
            return this;
        }

        public Builder versionSuffix(String versionSuffix) {
            this.versionSuffix = versionSuffix;
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

        public Builder indexUrl(String indexUrl) {
            this.indexUrl = indexUrl;
            return this;
        }

        public Builder buildTimeout(Duration buildTimeout) {
            this.buildTimeout = buildTimeout;
            return this;
        }

        public Builder docsPython(String docsPython) {
            this.docsPython = docsPython;
            return this;
        }

        public PublishRequest build() {
            return new PublishRequest(projectDir, stage, python, wheel, buildIsolation, overwrite, docs, docsModules,
                    versionSuffix, publishedBy, sourceRevision, indexUrl, buildTimeout, docsPython);
        }
    }
}
