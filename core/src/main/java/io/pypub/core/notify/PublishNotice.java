package io.pypub.core.notify;

import io.pypub.core.release.Release;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import java.util.List;
import java.util.Objects;

/**
 * What a notifier says about a successful publish. Plain strings so any notifier (Slack HTTP,
 * the Jenkins Slack plugin, e-mail) can render it without knowing the domain types.
 *
 * @param project      normalized project name (PEP 503)
 * @param displayName  the name as the package spells it
 * @param indexUrl     the project's page on the index, or null if the publisher does not know the index URL
 * @param docsUrl      the release's docs, or null if none were published
 * @param publishedBy  who or what published: a Jenkins build URL, user@host
 * @param latest       what happened to {@code latest}, or null if unknown
 * @param warnings     what the publish warned about that the channel should see too (e.g. a private name that
 *                     also exists on the stage's upstream), or empty
 */
public record PublishNotice(
        String project,
        String displayName,
        String version,
        String stage,
        List<FileInfo> files,
        String indexUrl,
        String docsUrl,
        String publishedBy,
        String sourceRevision,
        Latest latest,
        List<String> warnings) {

    /** A notice without warnings. */
    public PublishNotice(String project, String displayName, String version, String stage, List<FileInfo> files, String indexUrl,
            String docsUrl, String publishedBy, String sourceRevision, Latest latest) {
        this(project, displayName, version, stage, files, indexUrl, docsUrl, publishedBy, sourceRevision, latest, List.of());
    }

    public PublishNotice {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(stage, "stage");
        displayName = displayName == null || displayName.isBlank() ? project : displayName;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /**
     * The notice for a recorded release and what happened to {@code latest} (a pipeline result's two parts); the URLs
     * come from the caller, who knows where the index lives.
     */
    public static PublishNotice of(Release release, RecordOutcome latest, String indexUrl, String docsUrl) {
        return of(release, latest, indexUrl, docsUrl, List.of());
    }

    /** As above, with the publish's warnings for the channel. */
    public static PublishNotice of(Release r, RecordOutcome latest, String indexUrl, String docsUrl, List<String> warnings) {
        List<FileInfo> files = r.files().stream().map(f -> new FileInfo(f.filename(), f.sha256(), f.size())).toList();
        return new PublishNotice(r.project(), r.displayName(), r.version().toString(), r.stage().name(), files,
                indexUrl, docsUrl, r.publishedBy(), r.sourceRevision(), Latest.of(latest), warnings);
    }

    /** One uploaded distribution file. */
    public record FileInfo(String filename, String sha256, long size) {}

    /**
     * Where {@code latest} points after the publish.
     *
     * @param moved  latest now points at the published version
     * @param pinned latest is pinned (by a rollback) and was left where it was
     */
    public record Latest(String version, boolean moved, boolean pinned, String pinReason) {
        public static Latest of(RecordOutcome outcome) {
            return outcome == null ? null
                    : new Latest(outcome.latestVersion(), outcome.latestMoved(), outcome.pinned(), outcome.pinReason());
        }
    }
}
