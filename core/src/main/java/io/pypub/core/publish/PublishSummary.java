package io.pypub.core.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pypub.core.notify.IndexLinks;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one publish reports to its user: the release, its files, {@code latest}, and with the index URL known the
 * links and the install command. One typed value, rendered by {@link #toMap()} to what {@code pypub publish --json}
 * prints and what the Jenkins step returns to a pipeline (the keys and values pipelines read: keep them).
 *
 * <p>It travels from a Jenkins agent back to the controller, so it is serializable and holds only strings,
 * primitives and an {@link ArrayList} (not {@code List.of}: Jenkins' class filter rejects the JDK's immutable
 * collections' serial form; see docs/ARCHITECTURE.md, "Values that travel").
 *
 * @param latest        the stage's latest version after the publish (null when not known)
 * @param indexUrl      the project's simple page; this and the following links are null without an index URL
 * @param docsUrl       null also when no docs were published
 */
public record PublishSummary(String project, String name, String version, String stage, List<File> files, String latest,
        boolean latestMoved, boolean latestPinned, String indexUrl, String installCommand, String projectUrl, String releaseUrl,
        String docsUrl) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One uploaded file: {@code key} is its S3 object key. */
    public record File(String filename, String sha256, long size, String key) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public PublishSummary {
        files = Collections.unmodifiableList(new ArrayList<>(files));
    }

    /** @param indexBaseUrl the index's public base URL, or null (or blank) when unknown: then no links */
    public static PublishSummary of(Release release, RecordOutcome latest, String indexBaseUrl) {
        List<File> files = new ArrayList<>();
        for (ReleaseFile f : release.files()) {
            files.add(new File(f.filename(), f.sha256(), f.size(), f.objectKey()));
        }
        String version = release.version().normalized();
        String indexUrl = null;
        String install = null;
        String projectUrl = null;
        String releaseUrl = null;
        String docsUrl = null;
        if (indexBaseUrl != null && !indexBaseUrl.isBlank()) {
            IndexLinks links = new IndexLinks(indexBaseUrl);
            indexUrl = links.projectPage(release.stage(), release.project());
            install = "pip install --index-url " + links.simpleIndex(release.stage()) + " " + release.project() + "==" + version;
            // The pages for people, from IndexRoute's own records (the one place the URL layout lives).
            projectUrl = links.projectHome(release.stage(), release.project());
            releaseUrl = links.releasePage(release.stage(), release.project(), version);
            if (release.docsPrefix() != null) {
                docsUrl = links.docs(release.stage(), release.project(), version);
            }
        }
        return new PublishSummary(release.project(), release.displayName(), version, release.stage().name(), files,
                latest.latestVersion(), latest.latestMoved(), latest.pinned(), indexUrl, install, projectUrl, releaseUrl, docsUrl);
    }

    /**
     * The plain map (strings, numbers, booleans, lists, maps; insertion-ordered) of {@code --json} and of the
     * Jenkins step's return value. {@code latest} is always present (null when unknown); the links only when known.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", project);
        m.put("name", name);
        m.put("version", version);
        m.put("stage", stage);
        List<Map<String, Object>> fileMaps = new ArrayList<>();
        for (File f : files) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("filename", f.filename());
            fm.put("sha256", f.sha256());
            fm.put("size", f.size());
            fm.put("key", f.key());
            fileMaps.add(fm);
        }
        m.put("files", fileMaps);
        m.put("latest", latest);
        m.put("latestMoved", latestMoved);
        m.put("latestPinned", latestPinned);
        putIfKnown(m, "indexUrl", indexUrl);
        putIfKnown(m, "installCommand", installCommand);
        putIfKnown(m, "projectUrl", projectUrl);
        putIfKnown(m, "releaseUrl", releaseUrl);
        putIfKnown(m, "docsUrl", docsUrl);
        return m;
    }

    /** {@code pypub publish --json}: {@link #toMap()} as indented JSON. */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: strings, numbers and booleans only", e);
        }
    }

    /** The human form: what {@code pypub publish} and {@code pypub demo} print. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("Published " + name + " " + version + " to stage '" + stage + "'");
        for (File f : files) {
            out.add(String.format("  %-50s %8d bytes  sha256 %s", f.filename(), f.size(), f.sha256()));
        }
        out.add("  latest: " + latest + (latestPinned ? " (pinned)" : ""));
        if (installCommand != null) {
            out.add("  install: " + installCommand);
        }
        if (releaseUrl != null) {
            out.add("  release: " + releaseUrl);
        }
        if (docsUrl != null) {
            out.add("  docs:    " + docsUrl);
        }
        return out;
    }

    private static void putIfKnown(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
