package io.pypub.server.index;

import static io.pypub.server.index.SimplePages.escape;

import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.notify.IndexLinks;
import io.pypub.core.route.IndexRoute;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/** The human page of a stage: each project with its versions, install command and docs links. */
final class StagePage {
    record Entry(ProjectEntry project, List<Release> releases) {}

    /**
     * @param publicUrl the index's configured public base URL, or null: install commands then name
     *     the host as a placeholder to fill in (never the request's Host header, which a client sets)
     */
    byte[] render(Stage stage, String publicUrl, List<Entry> entries) {
        String simple = IndexLinks.orPlaceholder(publicUrl).simpleIndex(stage);
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(stage.name())).append(" packages</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append("section{border-top:1px solid #ddd;padding:.5rem 0}code{background:#f4f4f4;padding:.1rem .3rem}")
                .append(".yanked{text-decoration:line-through;color:#888}.versions a{margin-right:.6rem}")
                .append("</style>\n</head>\n<body>\n<h1>Packages in <code>").append(escape(stage.name())).append("</code></h1>\n")
                .append("<p>Install with <code>pip install --index-url ").append(escape(simple))
                .append(" PROJECT</code> (add your key: <code>https://__token__:KEY@host/...</code>).</p>\n");
        if (entries.isEmpty()) {
            html.append("<p>No packages published to this stage yet.</p>\n");
        }
        for (Entry e : entries) {
            ProjectEntry p = e.project();
            List<Release> releases = e.releases().stream().sorted(Comparator.comparing(Release::version).reversed()).toList();
            Release newest = releases.stream()
                    .filter(r -> r.version().normalized().equals(p.latestVersion())).findFirst().orElse(releases.get(0));
            html.append("<section>\n<h2>").append(escape(p.displayName())).append(" <small>")
                    .append(escape(p.latestVersion() == null ? "" : p.latestVersion())).append("</small></h2>\n");
            if (newest.summary() != null) {
                html.append("<p>").append(escape(newest.summary())).append("</p>\n");
            }
            html.append("<p><code>pip install --index-url ").append(escape(simple)).append(' ').append(escape(p.name()))
                    .append("</code></p>\n<p class=\"versions\">Versions: ");
            for (Release r : releases) {
                String v = r.version().normalized();
                html.append("<a").append(r.yanked() ? " class=\"yanked\" title=\"yanked\"" : "").append(" href=\"")
                        .append(escape((r.docsPrefix() != null ? new IndexRoute.Docs(stage, p.name(), v, List.of())
                                : new IndexRoute.SimpleProject(stage, p.name())).pathFromStage()))
                        .append("\">").append(escape(v)).append("</a>");
            }
            html.append("</p>\n");
            if (newest.docsPrefix() != null) {
                html.append("<p><a href=\"").append(escape(new IndexRoute.Docs(stage, p.name(), "latest", List.of()).pathFromStage()))
                        .append("\">API documentation</a></p>\n");
            }
            html.append("</section>\n");
        }
        html.append("</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }
}
