package io.pypub.jenkins;

import io.pypub.core.lifecycle.LifecycleResult;
import io.pypub.core.lifecycle.PromotionResult;
import io.pypub.core.notify.IndexLinks;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.storage.VersionTable.LatestChange;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** The lifecycle steps' return values: core's results as plain maps a Pipeline script can use. */
final class LifecycleSteps {
    private LifecycleSteps() {}

    /**
     * rollback, unpin, yank, unyank, with links to the project's and the release's page on the index ({@code projectUrl},
     * {@code releaseUrl}; IndexRoute's records through core's {@link IndexLinks}) when the target has an index URL.
     */
    static Map<String, Object> result(LifecycleResult r, String indexUrl) {
        Map<String, Object> m = result(r);
        if (indexUrl != null) {
            IndexLinks links = new IndexLinks(indexUrl);
            m.put("projectUrl", links.projectHome(r.stage(), r.project()));
            if (r.version() != null) {
                m.put("releaseUrl", links.releasePage(r.stage(), r.project(), r.version()));
            }
        }
        return m;
    }

    /** rollback, unpin, yank, unyank. */
    static Map<String, Object> result(LifecycleResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", r.operation());
        m.put("stage", r.stage().name());
        m.put("project", r.project());
        m.put("version", r.version());
        LatestChange c = r.latest();
        m.put("changed", c.changed());
        m.put("latestBefore", c.latestBefore());
        m.put("latestPinnedBefore", c.pinnedBefore());
        m.put("latest", c.latestAfter());
        m.put("latestPinned", c.pinnedAfter());
        m.put("latestMoved", c.latestMoved());
        m.put("message", r.message());
        return m;
    }

    /**
     * promote: the publish summary of the release in its new stage (files, latest, links), plus
     * {@code from}, {@code changed}, {@code docsFiles} and {@code message}. When the target stage
     * already had identical bytes nothing changed and {@code latest} is null (not read).
     */
    static Map<String, Object> result(PromotionResult p, String indexUrl) {
        RecordOutcome latest = p.latest() != null ? p.latest() : new RecordOutcome(null, false, false, null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", "promote");
        m.put("from", p.from().name());
        m.putAll(new PublishResult(p.release(), latest).summary(indexUrl).toMap());
        m.put("changed", p.changed());
        m.put("docsFiles", p.docsFiles());
        m.put("message", p.message());
        return m;
    }
}
