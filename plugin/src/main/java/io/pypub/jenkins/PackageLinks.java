package io.pypub.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where users find a published release: the index page of the project, the docs, and the pip
 * command. The URL shapes are the index server's ({@code /{stage}/simple/{project}/},
 * {@code /{stage}/docs/{project}/{version}/}).
 * TODO(core): take these from core once it owns the URL layout next to StorageLayout.
 */
final class PackageLinks implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PublishedPackage published;
    private final String indexBase;
    private final String docsBase;
    private final boolean docsPublished;

    PackageLinks(PublishTarget target, PublishedPackage published, boolean docsPublished) {
        this.published = published;
        this.docsPublished = docsPublished;
        this.indexBase = trimSlash(target.getIndexUrl());
        this.docsBase = target.getDocsUrl() != null ? trimSlash(target.getDocsUrl()) : indexBase;
    }

    /** The project's page in the stage's simple index, or null without an index URL. */
    String indexUrl() {
        return indexBase == null ? null : indexBase + "/" + published.getStage() + "/simple/" + published.getProject() + "/";
    }

    /** The release's docs, or null when none were published or no URL is configured. */
    String docsUrl() {
        return !docsPublished || docsBase == null ? null
                : docsBase + "/" + published.getStage() + "/docs/" + published.getProject() + "/" + published.getVersion() + "/";
    }

    /** pip command with a placeholder for the API key; never a real key. */
    String installCommand() {
        String requirement = published.getProject() + "==" + published.getVersion();
        if (indexBase == null) {
            return "pip install " + requirement;
        }
        String stageIndex = indexBase + "/" + published.getStage() + "/simple/";
        int scheme = stageIndex.indexOf("://");
        String withKey = scheme < 0 ? stageIndex
                : stageIndex.substring(0, scheme + 3) + "__token__:YOUR_API_KEY@" + stageIndex.substring(scheme + 3);
        return "pip install --index-url " + withKey + " " + requirement;
    }

    /** The step's return value: only strings, numbers, lists and maps, so Pipeline scripts can use it. */
    Map<String, Object> toStepResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("project", published.getProject());
        result.put("name", published.getDisplayName());
        result.put("version", published.getVersion());
        result.put("stage", published.getStage());
        List<Map<String, Object>> files = new ArrayList<>();
        for (PublishedPackage.PublishedFile f : published.getFiles()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("filename", f.getFilename());
            file.put("sha256", f.getSha256());
            file.put("size", f.getSize());
            file.put("packageType", f.getPackageType());
            files.add(file);
        }
        result.put("files", files);
        result.put("latest", published.getLatestVersion());
        result.put("indexUrl", indexUrl());
        result.put("docsUrl", docsUrl());
        result.put("installCommand", installCommand());
        return result;
    }

    private static String trimSlash(String url) {
        if (url == null) {
            return null;
        }
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u.isEmpty() ? null : u;
    }
}
