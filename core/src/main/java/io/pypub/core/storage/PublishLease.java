package io.pypub.core.storage;

import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.time.Instant;

/**
 * The right to upload one version's objects: only the holder writes under that version's keys,
 * so a second build publishing the same version cannot replace the first one's bytes between its
 * upload and its record. Taken before the first upload, given up by the record transaction.
 */
public record PublishLease(Stage stage, String project, Version version, String owner, String holder, Instant expires) {}
