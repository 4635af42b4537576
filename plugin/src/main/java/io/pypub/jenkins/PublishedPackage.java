package io.pypub.jenkins;

import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a publish produced, in plain serializable fields: it comes back from the agent, is kept in
 * the build (XStream) by {@link PythonPackageAction}, and becomes the step's return value.
 */
public final class PublishedPackage implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String project;
    private final String displayName;
    private final String version;
    private final String stage;
    private final String summary;
    private final String latestVersion;
    private final boolean latestPinned;
    private final List<PublishedFile> files;

    PublishedPackage(String project, String displayName, String version, String stage, String summary, String latestVersion,
            boolean latestPinned, List<PublishedFile> files) {
        this.project = project;
        this.displayName = displayName;
        this.version = version;
        this.stage = stage;
        this.summary = summary;
        this.latestVersion = latestVersion;
        this.latestPinned = latestPinned;
        this.files = new ArrayList<>(files);
    }

    static PublishedPackage of(PublishResult result) {
        Release r = result.release();
        RecordOutcome latest = result.latest();
        List<PublishedFile> files = new ArrayList<>();
        for (ReleaseFile f : r.files()) {
            files.add(new PublishedFile(f.filename(), f.sha256(), f.size(), f.packageType().id()));
        }
        return new PublishedPackage(r.project(), r.displayName(), r.version().normalized(), r.stage().name(), r.summary(),
                latest == null ? null : latest.latestVersion(), latest != null && latest.pinned(), files);
    }

    /** PEP 503 normalized name, as in index URLs. */
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

    public String getSummary() {
        return summary;
    }

    public String getLatestVersion() {
        return latestVersion;
    }

    public boolean isLatestPinned() {
        return latestPinned;
    }

    public List<PublishedFile> getFiles() {
        return Collections.unmodifiableList(files);
    }

    /** One distribution file of the release. */
    public static final class PublishedFile implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String filename;
        private final String sha256;
        private final long size;
        private final String packageType;

        PublishedFile(String filename, String sha256, long size, String packageType) {
            this.filename = filename;
            this.sha256 = sha256;
            this.size = size;
            this.packageType = packageType;
        }

        public String getFilename() {
            return filename;
        }

        public String getSha256() {
            return sha256;
        }

        public long getSize() {
            return size;
        }

        /**
         * The first 12 hex digits, for the build page (the full value is in the cell's title and its
         * copy button). Named so that Jelly never needs {@code f.size}: {@code size} is a JEXL keyword.
         */
        public String getShortSha256() {
            return sha256 == null || sha256.length() <= 12 ? sha256 : sha256.substring(0, 12) + "\u2026";
        }

        /** The size for people: "812 B", "14.2 KB", "3.1 MB". */
        public String getSizeText() {
            if (size < 1024) {
                return size + " B";
            }
            double kb = size / 1024.0;
            if (kb < 1024) {
                return String.format(java.util.Locale.ROOT, "%.1f KB", kb);
            }
            return String.format(java.util.Locale.ROOT, "%.1f MB", kb / 1024.0);
        }

        public String getPackageType() {
            return packageType;
        }
    }
}
