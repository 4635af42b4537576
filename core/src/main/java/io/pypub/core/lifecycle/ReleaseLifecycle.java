package io.pypub.core.lifecycle;

import io.pypub.core.notify.LifecycleNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.storage.VersionTable.LatestChange;
import io.pypub.core.version.Version;
import java.util.Objects;

/**
 * Rollback, unpin, yank and unyank: the operations that change what installers get without
 * touching any file. The rules and their transactions live in {@link VersionTable}; this class
 * validates input, says what happened in words and writes the audit trail.
 */
public final class ReleaseLifecycle {
    private final VersionTable versions;
    private final AuditTrail audit;

    public ReleaseLifecycle(VersionTable versions) {
        this(versions, new AuditTrail());
    }

    /** The operations on a deployment's version table, as `pypub` and the Jenkins steps run them. */
    public static ReleaseLifecycle on(AwsClients aws) {
        return new ReleaseLifecycle(new DynamoVersionTable(aws.dynamo(), aws.settings().versionTable()), AuditTrail.on(aws));
    }

    public ReleaseLifecycle(VersionTable versions, AuditTrail audit) {
        this.versions = versions;
        this.audit = audit;
    }

    private volatile Notifier notifier = Notifier.NONE;
    private volatile PublishLog notifyLog = PublishLog.SILENT;

    /**
     * Announces every operation that changed something through {@code notifier} (Slack: a reply in the release's
     * thread), after it is recorded; the notifier's own trouble goes to {@code log} as a warning and never changes
     * the outcome. Without this, nobody is notified.
     */
    public ReleaseLifecycle notifying(Notifier notifier, PublishLog log) {
        this.notifier = notifier == null ? Notifier.NONE : notifier;
        this.notifyLog = log == null ? PublishLog.SILENT : log;
        return this;
    }

    private LifecycleResult announce(LifecycleResult r, String version, String actor, String reason) {
        if (r.changed()) {
            try {
                notifier.lifecycle(new LifecycleNotice(r.operation(), r.stage(), null, r.project(), version, r.message(), actor,
                        reason), notifyLog);
            } catch (RuntimeException e) {
                notifyLog.warn("The " + r.operation() + " notification was not sent (" + e + "); the " + r.operation()
                        + " itself is done.");
            }
        }
        return r;
    }

    /** Pins {@code latest} to an existing release that is not yanked, until {@link #unpin}. */
    public LifecycleResult rollback(Stage stage, String project, String version, String reason, String actor) {
        var event = AuditTrail.Event.of("rollback", actor).with("stage", stage).with("project", project)
                .with("version", version).with("reason", reason);
        LifecycleResult result = audit.run(event, () -> {
            Inputs in = Inputs.of(stage, project, version, actor);
            requireReason(reason, "a rollback");
            LatestChange c = versions.pin(stage, in.project, in.version, reason);
            String where = "latest of " + in.project + " in stage '" + stage + "'";
            String message = c.changed()
                    ? where + " is pinned to " + c.latestAfter() + " (was " + describe(c.latestBefore(), c.pinnedBefore())
                            + "). Publishing leaves the pin in place; 'pypub unpin' releases it."
                    : where + " already is pinned to " + c.latestAfter() + " for that reason.";
            return new LifecycleResult("rollback", stage, in.project, c.latestAfter(), c, message);
        });
        return announce(result, result.version(), actor, reason);
    }

    /** Clears a pin: {@code latest} becomes the highest version that is not yanked. */
    public LifecycleResult unpin(Stage stage, String project, String actor) {
        var event = AuditTrail.Event.of("unpin", actor).with("stage", stage).with("project", project);
        LifecycleResult result = audit.run(event, () -> {
            Inputs in = Inputs.of(stage, project, null, actor);
            LatestChange c = versions.unpin(stage, in.project);
            String where = "latest of " + in.project + " in stage '" + stage + "'";
            String message = c.changed()
                    ? where + " is no longer pinned: it is now " + describe(c.latestAfter(), false) + " (was pinned to "
                            + c.latestBefore() + ")."
                    : where + " was not pinned; it stays " + describe(c.latestAfter(), false) + ".";
            return new LifecycleResult("unpin", stage, in.project, null, c, message);
        });
        // The thread is the one of the release that was pinned.
        return announce(result, result.latest().latestBefore(), actor, null);
    }

    /** Yanks a release (PEP 592): installers skip it unless it is asked for exactly. */
    public LifecycleResult yank(Stage stage, String project, String version, String reason, String actor) {
        var event = AuditTrail.Event.of("yank", actor).with("stage", stage).with("project", project)
                .with("version", version).with("reason", reason);
        LifecycleResult result = audit.run(event, () -> {
            Inputs in = Inputs.of(stage, project, version, actor);
            requireReason(reason, "a yank");
            LatestChange c = versions.setYanked(stage, in.project, in.version, true, reason);
            String release = in.project + " " + in.version.normalized() + " in stage '" + stage + "'";
            String message = (c.changed() ? "Yanked " + release + ": installers skip it unless pinned to it exactly."
                    : release + " already is yanked for that reason.") + latestNote(c);
            return new LifecycleResult("yank", stage, in.project, in.version.normalized(), c, message);
        });
        return announce(result, result.version(), actor, reason);
    }

    /** Undoes a yank; an unpinned {@code latest} moves back up if this is the highest version again. */
    public LifecycleResult unyank(Stage stage, String project, String version, String actor) {
        var event = AuditTrail.Event.of("unyank", actor).with("stage", stage).with("project", project).with("version", version);
        LifecycleResult result = audit.run(event, () -> {
            Inputs in = Inputs.of(stage, project, version, actor);
            LatestChange c = versions.setYanked(stage, in.project, in.version, false, null);
            String release = in.project + " " + in.version.normalized() + " in stage '" + stage + "'";
            String message = (c.changed() ? "Unyanked " + release + "." : release + " was not yanked.") + latestNote(c);
            return new LifecycleResult("unyank", stage, in.project, in.version.normalized(), c, message);
        });
        return announce(result, result.version(), actor, null);
    }

    private static String latestNote(LatestChange c) {
        if (c.latestMoved()) {
            return " latest moved from " + describe(c.latestBefore(), c.pinnedBefore()) + " to "
                    + describe(c.latestAfter(), c.pinnedAfter()) + ".";
        }
        return " latest stays " + describe(c.latestAfter(), c.pinnedAfter()) + ".";
    }

    private static String describe(String version, boolean pinned) {
        if (version == null) {
            return "unset (no release that is not yanked)";
        }
        return pinned ? version + " (pinned)" : version;
    }

    static void requireActor(String actor) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("Every lifecycle operation needs an actor (who does it) for the audit trail: "
                    + "the command line's --actor (default $BUILD_URL, else user@host); Jenkins steps pass the build URL.");
        }
    }

    /** Longest reason a yank or rollback may give: it is shown on every page that lists the release. */
    public static final int MAX_REASON = 500;

    private static void requireReason(String reason, String what) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("Give a reason for " + what + " (--reason on the command line, reason: in Jenkins): it is shown to users and kept in the audit trail.");
        }
        if (reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("The reason for " + what + " is " + reason.length() + " characters long; keep it to "
                    + MAX_REASON + " (it is shown on the index pages with the release).");
        }
        if (reason.chars().anyMatch(c -> Character.isISOControl(c))) {
            throw new IllegalArgumentException("The reason for " + what + " contains control characters (line breaks, tabs): "
                    + "give it as one line of text.");
        }
    }

    /** Validated, normalized input: the project as in keys, the version parsed. */
    private record Inputs(String project, Version version) {
        static Inputs of(Stage stage, String project, String version, String actor) {
            Objects.requireNonNull(stage, "stage");
            requireActor(actor);
            String name = ProjectName.of(project).normalized();
            return new Inputs(name, version == null ? null : Version.parse(version));
        }
    }
}
