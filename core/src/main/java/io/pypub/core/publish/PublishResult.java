package io.pypub.core.publish;

import io.pypub.core.release.Release;
import io.pypub.core.storage.VersionTable.RecordOutcome;

/** What a publish did: the release as recorded, and what happened to {@code latest}. */
public record PublishResult(Release release, RecordOutcome latest) {}
