package io.pypub.core.audit;

import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.progress.PublishLog;

/**
 * Records every publish, successful or not, in the change log, then hands the notice on (Slack,
 * the Jenkins bridge). The publish pipeline tells its notifier about every outcome exactly once,
 * which is what an audit trail needs too.
 */
public final class PublishAudit implements Notifier {
    private final ChangeLog changes;
    private final Notifier next;

    public PublishAudit(ChangeLog changes, Notifier next) {
        this.changes = changes;
        this.next = next == null ? Notifier.NONE : next;
    }

    @Override
    public void published(PublishNotice n, PublishLog log) {
        AuditEvent.Builder event = AuditEvent.of("publish", n.publishedBy()).stage(n.stage()).project(n.project()).version(n.version())
                .detail("files", String.join(",", n.files().stream().map(PublishNotice.FileInfo::filename).toList()))
                .detail("source_revision", n.sourceRevision());
        String latest = "";
        if (n.latest() != null) {
            event.detail("latest", n.latest().version()).detail("latest_pinned", n.latest().pinned() ? "true" : null);
            latest = "; latest " + (n.latest().pinned() ? "stays pinned to " : n.latest().moved() ? "is now " : "stays ")
                    + n.latest().version();
        }
        changes.record(event.finish(AuditEvent.OK, "Published " + n.displayName() + " " + n.version() + " ("
                + n.files().size() + " files)" + latest));
        next.published(n, log);
    }

    /** Every file an upload adds is a publish event of its own, by the uploader, naming the file. */
    @Override
    public void fileAdded(PublishNotice n, String filename, PublishLog log) {
        changes.record(AuditEvent.of("publish", n.publishedBy()).stage(n.stage()).project(n.project()).version(n.version())
                .detail("files", filename)
                .finish(AuditEvent.OK, "Added " + filename + " to " + n.displayName() + " " + n.version() + " (now "
                        + n.files().size() + " files)"));
        next.fileAdded(n, filename, log);
    }

    @Override
    public void failed(FailureNotice n, PublishLog log) {
        changes.record(AuditEvent.of("publish", n.publishedBy()).stage(n.stage()).project(n.project())
                .detail("project_dir", n.project() == null ? n.projectDir() : null)
                .detail("source_revision", n.sourceRevision())
                .finish(AuditEvent.FAILED, n.error()));
        next.failed(n, log);
    }
}
