package io.pypub.core.publish;

import io.pypub.core.notify.IndexLinks;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a publish did: the release as recorded, and what happened to {@code latest}. */
public record PublishResult(Release release, RecordOutcome latest) {

    /**
     * A plain map of the result (strings, numbers, booleans, lists, maps): what {@code pypub publish
     * --json} prints and what the Jenkins step returns.
     *
     * @param indexBaseUrl the index's public base URL, or null when unknown
     */
    public Map<String, Object> summary(String indexBaseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", release.project());
        m.put("name", release.displayName());
        m.put("version", release.version().normalized());
        m.put("stage", release.stage().name());
        List<Map<String, Object>> files = new ArrayList<>();
        for (ReleaseFile f : release.files()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("filename", f.filename());
            fm.put("sha256", f.sha256());
            fm.put("size", f.size());
            fm.put("key", f.objectKey());
            files.add(fm);
        }
        m.put("files", files);
        m.put("latest", latest.latestVersion());
        m.put("latestMoved", latest.latestMoved());
        m.put("latestPinned", latest.pinned());
        if (indexBaseUrl != null && !indexBaseUrl.isBlank()) {
            IndexLinks links = new IndexLinks(indexBaseUrl);
            m.put("indexUrl", links.projectPage(release.stage(), release.project()));
            m.put("installCommand", "pip install --index-url " + links.simpleIndex(release.stage()) + " " + release.project() + "=="
                    + release.version().normalized());
            // The pages for people, from IndexRoute's own records (the one place the URL layout lives).
            m.put("projectUrl", links.projectHome(release.stage(), release.project()));
            m.put("releaseUrl", links.releasePage(release.stage(), release.project(), release.version().normalized()));
            if (release.docsPrefix() != null) {
                m.put("docsUrl", links.docs(release.stage(), release.project(), release.version().normalized()));
            }
        }
        return m;
    }
}
