package io.pypub.core.storage;

import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;

/**
 * The S3 key contract shared by the publisher and the index (see docs/ARCHITECTURE.md):
 * {@code [prefix]{stage}/{project}/{version}/{filename}} and
 * {@code [prefix]docs/{stage}/{project}/{version}/...}. Project names are PEP 503 normalized
 * and versions PEP 440 normalized, so every writer produces the same key for the same file.
 */
public final class StorageLayout {
    private final String prefix;

    public StorageLayout(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (!p.isEmpty() && !p.endsWith("/")) {
            p = p + "/";
        }
        this.prefix = p;
    }

    public String prefix() {
        return prefix;
    }

    public String releasePrefix(Stage stage, String project, Version version) {
        return prefix + stage.name() + "/" + project + "/" + version.normalized() + "/";
    }

    public String fileKey(Stage stage, String project, Version version, String filename) {
        return releasePrefix(stage, project, version) + filename;
    }

    public static String metadataKey(String fileKey) {
        return fileKey + ".metadata";
    }

    public String docsPrefix(Stage stage, String project, Version version) {
        return prefix + "docs/" + stage.name() + "/" + project + "/" + version.normalized() + "/";
    }
}
