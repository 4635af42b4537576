package io.pypub.core.notify;

import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute;

/**
 * The index URLs a notice links to, from the index's public base URL (e.g.
 * {@code https://pypi.example.com}). Paths follow the index URL scheme in the design.
 */
public record IndexLinks(String baseUrl) {
    /** Where no public URL is configured: a placeholder to fill in, never a guess (such as a request's Host header). */
    public static final String PLACEHOLDER_BASE = "https://INDEX-HOST";

    /** Links from the configured public base URL, or the placeholder when there is none. */
    public static IndexLinks orPlaceholder(String baseUrl) {
        return new IndexLinks(baseUrl == null ? PLACEHOLDER_BASE : baseUrl);
    }

    public IndexLinks {
        if (baseUrl == null || !(baseUrl.startsWith("https://") || baseUrl.startsWith("http://"))) {
            throw new IllegalArgumentException("The index base URL must start with https:// or http://");
        }
        baseUrl = baseUrl.replaceAll("/+$", "");
    }

    /** The simple API page of a project: what pip reads and a person can open. */
    public String projectPage(Stage stage, String project) {
        return baseUrl + new IndexRoute.SimpleProject(stage, project).path();
    }

    /** The stage's simple index: what {@code pip install --index-url} takes. */
    public String simpleIndex(Stage stage) {
        return baseUrl + new IndexRoute.SimpleIndex(stage).path();
    }

    /** The project's page for people (README, versions, provenance). */
    public String projectHome(Stage stage, String project) {
        return baseUrl + new IndexRoute.ProjectPage(stage, project).path();
    }

    /** The release's page for people: files, hashes, provenance, promote history. */
    public String releasePage(Stage stage, String project, String version) {
        return baseUrl + new IndexRoute.VersionPage(stage, project, version).path();
    }

    public String docs(Stage stage, String project, String version) {
        return baseUrl + new IndexRoute.Docs(stage, project, version, java.util.List.of()).path();
    }
}
