package io.pypub.core.release;

import java.time.Instant;

/**
 * A project in a stage's registry: its display name, latest version, last update, and the summary
 * of the release recorded last (null for items written before the registry kept it), so that a
 * stage page can list and search thousands of projects from one query.
 */
public record ProjectEntry(String name, String displayName, String latestVersion, Instant updated, String summary) {
    public ProjectEntry(String name, String displayName, String latestVersion, Instant updated) {
        this(name, displayName, latestVersion, updated, null);
    }
}
