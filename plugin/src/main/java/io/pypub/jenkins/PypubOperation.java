package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One pypub operation of a build, as the build page shows it: what (publish, promote, yank,
 * unyank, rollback, unpin; which package and version), where (stage, target), the outcome (core's
 * message, or why it failed) and links. Kept in the build (XStream) by {@link PythonPackageAction};
 * plain fields only.
 */
public final class PypubOperation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final boolean succeeded;
    private final String target;
    private final String project;
    private final String displayName;
    private final String version;
    private final String stage;
    private final String fromStage;
    private final String message;
    private String latestVersion;
    private boolean latestPinned;
    private String indexUrl;
    private String docsUrl;
    private String releaseUrl;
    private String installCommand;
    private List<PublishedPackage.PublishedFile> files = new ArrayList<>();
    private String commit;
    private String agent;

    private PypubOperation(String kind, boolean succeeded, String target, String project, String displayName, String version,
            String stage, String fromStage, String message) {
        this.kind = kind;
        this.succeeded = succeeded;
        this.target = target;
        this.project = project;
        this.displayName = displayName;
        this.version = version;
        this.stage = stage;
        this.fromStage = fromStage;
        this.message = message;
    }

    /** A publish that recorded its release. */
    static PypubOperation published(String target, PublishedPackage p, @CheckForNull String indexUrl,
            @CheckForNull String docsUrl, @CheckForNull String installCommand) {
        PypubOperation op = new PypubOperation("publish", true, target, p.getProject(), p.getDisplayName(), p.getVersion(),
                p.getStage(), null, latestNote(p.getVersion(), p.getLatestVersion(), p.isLatestPinned()));
        op.latestVersion = p.getLatestVersion();
        op.latestPinned = p.isLatestPinned();
        op.indexUrl = indexUrl;
        op.docsUrl = docsUrl;
        op.installCommand = installCommand;
        op.files = new ArrayList<>(p.getFiles());
        return op;
    }

    /** The release's page on the index (IndexRoute's VersionPage, from core's summary), or null. */
    PypubOperation releasePage(@CheckForNull String releaseUrl) {
        this.releaseUrl = releaseUrl;
        return this;
    }

    /** Where a publish was built from: the commit ($GIT_COMMIT) and the agent ($NODE_NAME); each may be null. */
    PypubOperation builtFrom(@CheckForNull String commit, @CheckForNull String agent) {
        this.commit = commit;
        this.agent = agent;
        return this;
    }

    /**
     * An operation that failed or was refused: what was asked, where, and core's (or Jenkins')
     * message. Any of project, version and stage may be unknown (null) when it failed before that
     * was resolved.
     */
    static PypubOperation failed(String kind, @CheckForNull String target, @CheckForNull String project,
            @CheckForNull String version, @CheckForNull String stage, @CheckForNull String fromStage, String message) {
        return new PypubOperation(kind, false, target, project, project, version, stage, fromStage, message);
    }

    /** A lifecycle step's result map (see {@link LifecycleSteps}): rollback, unpin, yank, unyank or promote. */
    static PypubOperation lifecycle(String target, Map<String, Object> result) {
        String kind = string(result.get("operation"));
        String project = string(result.get("project"));
        String name = result.get("name") != null ? string(result.get("name")) : project;
        PypubOperation op = new PypubOperation(kind, true, target, project, name, string(result.get("version")),
                string(result.get("stage")), string(result.get("from")), string(result.get("message")));
        op.latestVersion = string(result.get("latest"));
        op.latestPinned = Boolean.TRUE.equals(result.get("latestPinned"));
        op.indexUrl = string(result.get("indexUrl"));
        op.docsUrl = string(result.get("docsUrl"));
        op.releaseUrl = string(result.get("releaseUrl"));
        op.installCommand = string(result.get("installCommand"));
        if (result.get("files") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> f) {
                    String filename = string(f.get("filename"));
                    Object size = f.get("size");
                    op.files.add(new PublishedPackage.PublishedFile(filename, string(f.get("sha256")),
                            size instanceof Number n ? n.longValue() : 0L, filename != null && filename.endsWith(".whl")
                                    ? "bdist_wheel" : "sdist"));
                }
            }
        }
        return op;
    }

    private static String latestNote(String version, String latest, boolean pinned) {
        if (latest == null) {
            return "Recorded.";
        }
        if (latest.equals(version)) {
            return "Recorded; latest is now " + latest + ".";
        }
        return "Recorded; latest stays " + latest + (pinned ? " (pinned)." : ".");
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    public String getKind() {
        return kind;
    }

    public boolean isSucceeded() {
        return succeeded;
    }

    /** "Published", "Promoted", ... or "Publish failed", "Promote failed", ... */
    public String getTitle() {
        if (!succeeded) {
            return switch (kind) {
                case "rollback" -> "Rollback failed";
                case "unpin" -> "Unpin failed";
                default -> Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " failed";
            };
        }
        return switch (kind) {
            case "publish" -> "Published";
            case "promote" -> "Promoted";
            case "yank" -> "Yanked";
            case "unyank" -> "Unyanked";
            case "rollback" -> "Rolled back";
            case "unpin" -> "Unpinned";
            default -> kind;
        };
    }

    /** The package and version, e.g. "hello-package 0.1.0"; what is known of it for early failures. */
    public String getWhat() {
        String name = displayName != null ? displayName : project;
        if (name == null) {
            return "Python package";
        }
        return version == null ? name : name + " " + version;
    }

    /** "stage 'dev' of target 'local'", "'test' to 'prod' of target 'local'". */
    public String getWhere() {
        StringBuilder b = new StringBuilder();
        if (fromStage != null && stage != null) {
            b.append("'").append(fromStage).append("' to '").append(stage).append("'");
        } else if (stage != null) {
            b.append("stage '").append(stage).append("'");
        }
        if (target != null) {
            b.append(b.length() == 0 ? "" : " of ").append("target '").append(target).append("'");
        }
        return b.toString();
    }

    public String getMessage() {
        return message;
    }

    public String getTarget() {
        return target;
    }

    public String getProject() {
        return project;
    }

    public String getDisplayName() {
        return displayName;
    }

    public String getVersion() {
        return version;
    }

    public String getStage() {
        return stage;
    }

    public String getFromStage() {
        return fromStage;
    }

    public String getLatestVersion() {
        return latestVersion;
    }

    public boolean isLatestPinned() {
        return latestPinned;
    }

    public String getIndexUrl() {
        return indexUrl;
    }

    public String getDocsUrl() {
        return docsUrl;
    }

    /** The release's page for people on the index (files, hashes, provenance), or null. */
    @CheckForNull
    public String getReleaseUrl() {
        return releaseUrl;
    }

    public String getInstallCommand() {
        return installCommand;
    }

    public List<PublishedPackage.PublishedFile> getFiles() {
        return files == null ? List.of() : Collections.unmodifiableList(files);
    }

    /** The commit the files were built from, or null. */
    public String getCommit() {
        return commit;
    }

    /** The first 12 characters of {@link #getCommit()}, as commits are usually shown. */
    public String getShortCommit() {
        return commit == null || commit.length() <= 12 ? commit : commit.substring(0, 12);
    }

    /** "Built from commit 0123456789ab on agent linux-1", or null when neither is known. */
    public String getProvenance() {
        if (commit == null && agent == null) {
            return null;
        }
        return "Built" + (commit == null ? "" : " from commit " + getShortCommit()) + (agent == null ? "" : " on agent " + agent);
    }

    /** The Jenkins agent that built the files, or null. */
    public String getAgent() {
        return agent;
    }

    /** Whether there are files to list (a Jelly-safe name: {@code size} and {@code empty} are JEXL keywords). */
    public boolean isWithFiles() {
        return files != null && !files.isEmpty();
    }

    /** One line for the badge's tooltip. */
    String shortText() {
        String where = stage == null ? "" : fromStage != null ? " " + fromStage + " → " + stage : " in " + stage;
        return getTitle() + ": " + getWhat() + where;
    }
}
