package io.pypub.core.release;

import java.time.Instant;

/** A project in a stage's registry: its display name, latest version and last update. */
public record ProjectEntry(String name, String displayName, String latestVersion, Instant updated) {}
