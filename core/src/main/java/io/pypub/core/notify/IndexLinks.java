package io.pypub.core.notify;

import io.pypub.core.release.Stage;

/**
 * The index URLs a notice links to, from the index's public base URL (e.g.
 * {@code https://pypi.example.com}). Paths follow the index URL scheme in the design.
 */
public record IndexLinks(String baseUrl) {

    public IndexLinks {
        if (baseUrl == null || !(baseUrl.startsWith("https://") || baseUrl.startsWith("http://"))) {
            throw new IllegalArgumentException("The index base URL must start with https:// or http://");
        }
        baseUrl = baseUrl.replaceAll("/+$", "");
    }

    /** The simple API page of a project: what pip reads and a person can open. */
    public String projectPage(Stage stage, String project) {
        return baseUrl + "/" + stage.name() + "/simple/" + project + "/";
    }

    public String docs(Stage stage, String project, String version) {
        return baseUrl + "/" + stage.name() + "/docs/" + project + "/" + version + "/";
    }
}
