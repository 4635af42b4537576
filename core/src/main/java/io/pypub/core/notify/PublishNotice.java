package io.pypub.core.notify;

import io.pypub.core.publish.PublishResult;
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
        Latest latest) {

    public PublishNotice {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(stage, "stage");
        displayName = displayName == null || displayName.isBlank() ? project : displayName;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** The notice for a pipeline result; the URLs come from the caller, who knows where the index lives. */
    public static PublishNotice of(PublishResult result, String indexUrl, String docsUrl) {
        Release r = result.release();
        List<FileInfo> files = r.files().stream().map(f -> new FileInfo(f.filename(), f.sha256(), f.size())).toList();
        return new PublishNotice(r.project(), r.displayName(), r.version().toString(), r.stage().name(), files,
                indexUrl, docsUrl, r.publishedBy(), r.sourceRevision(), Latest.of(result.latest()));
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
