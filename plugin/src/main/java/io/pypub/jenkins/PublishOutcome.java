package io.pypub.jenkins;

import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.publish.PublishSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link PublishOnAgent} sends back to the controller: on success the release, core's
 * {@link PublishSummary} and the notice core's pipeline handed to its notifier; on failure core's message and
 * failure notice. A failure is a value, not an exception, so the controller can notify Slack after
 * it, and so no exception type of the agent side (AWS SDK exceptions in a cause chain, which need
 * not deserialize on the controller) travels over the channel.
 *
 * <p>The controller's class filter (JEP-200) admits classes of plugin jars but not of a library jar in
 * WEB-INF/lib such as pypub-core, nor the JDK's {@code List.of} serial form: {@link PublishSummary} is
 * listed in META-INF/hudson.remoting.ClassFilter and holds only strings, primitives and an unmodifiable ArrayList.
 * Core's notices and release are not made for that (immutable lists); they travel as the plain fields
 * below and in {@link PublishedPackage}, rebuilt with their canonical constructors on the controller.
 */
final class PublishOutcome implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PublishedPackage published;
    private final PublishSummary summary;
    private final PublishedNotice publishedNotice;
    private final String error;
    private final FailedNotice failedNotice;

    private PublishOutcome(PublishedPackage published, PublishSummary summary, PublishedNotice publishedNotice, String error,
            FailedNotice failedNotice) {
        this.published = published;
        this.summary = summary;
        this.publishedNotice = publishedNotice;
        this.error = error;
        this.failedNotice = failedNotice;
    }

    /** @param notice what the pipeline told its notifier, or null if it did not (it always does on success) */
    static PublishOutcome success(PublishedPackage published, PublishSummary summary, PublishNotice notice) {
        return new PublishOutcome(published, summary, notice == null ? null : new PublishedNotice(notice), null, null);
    }

    /** @param notice the pipeline's failure notice, or null when the failure came before the pipeline ran */
    static PublishOutcome failure(String error, FailureNotice notice) {
        return new PublishOutcome(null, null, null, error, notice == null ? null : new FailedNotice(notice));
    }

    boolean succeeded() {
        return published != null;
    }

    PublishedPackage published() {
        return published;
    }

    /** Core's summary: the build page's links and, as {@link PublishSummary#toMap()}, the step's return value. */
    PublishSummary summary() {
        return summary;
    }

    String error() {
        return error;
    }

    PublishNotice publishedNotice() {
        return publishedNotice == null ? null : publishedNotice.toNotice();
    }

    FailureNotice failedNotice() {
        return failedNotice == null ? null : failedNotice.toNotice();
    }

    /** {@link PublishNotice} as serializable fields. */
    private static final class PublishedNotice implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String project;
        private final String displayName;
        private final String version;
        private final String stage;
        private final ArrayList<FileFields> files = new ArrayList<>();
        private final String indexUrl;
        private final String docsUrl;
        private final String publishedBy;
        private final String sourceRevision;
        private final boolean hasLatest;
        private final String latestVersion;
        private final boolean latestMoved;
        private final boolean latestPinned;
        private final String pinReason;
        private final ArrayList<String> warnings;

        PublishedNotice(PublishNotice n) {
            warnings = new ArrayList<>(n.warnings());
            project = n.project();
            displayName = n.displayName();
            version = n.version();
            stage = n.stage();
            for (PublishNotice.FileInfo f : n.files()) {
                files.add(new FileFields(f.filename(), f.sha256(), f.size()));
            }
            indexUrl = n.indexUrl();
            docsUrl = n.docsUrl();
            publishedBy = n.publishedBy();
            sourceRevision = n.sourceRevision();
            PublishNotice.Latest l = n.latest();
            hasLatest = l != null;
            latestVersion = l == null ? null : l.version();
            latestMoved = l != null && l.moved();
            latestPinned = l != null && l.pinned();
            pinReason = l == null ? null : l.pinReason();
        }

        PublishNotice toNotice() {
            List<PublishNotice.FileInfo> infos = new ArrayList<>();
            for (FileFields f : files) {
                infos.add(new PublishNotice.FileInfo(f.filename, f.sha256, f.size));
            }
            return new PublishNotice(project, displayName, version, stage, infos, indexUrl, docsUrl, publishedBy, sourceRevision,
                    hasLatest ? new PublishNotice.Latest(latestVersion, latestMoved, latestPinned, pinReason) : null,
                    warnings == null ? List.of() : warnings);
        }
    }

    private static final class FileFields implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String filename;
        private final String sha256;
        private final long size;

        FileFields(String filename, String sha256, long size) {
            this.filename = filename;
            this.sha256 = sha256;
            this.size = size;
        }
    }

    /** {@link FailureNotice} as serializable fields. */
    private static final class FailedNotice implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String project;
        private final String projectDir;
        private final String stage;
        private final String error;
        private final String publishedBy;
        private final String sourceRevision;

        FailedNotice(FailureNotice n) {
            project = n.project();
            projectDir = n.projectDir();
            stage = n.stage();
            error = n.error();
            publishedBy = n.publishedBy();
            sourceRevision = n.sourceRevision();
        }

        FailureNotice toNotice() {
            return new FailureNotice(project, projectDir, stage, error, publishedBy, sourceRevision);
        }
    }
}
