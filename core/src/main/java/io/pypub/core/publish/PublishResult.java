package io.pypub.core.publish;

import io.pypub.core.release.Release;
import io.pypub.core.storage.VersionTable.RecordOutcome;

/** What a publish did: the release as recorded, and what happened to {@code latest}. */
public record PublishResult(Release release, RecordOutcome latest) {

    /**
     * What the user is told: {@code pypub publish} (text or {@code --json}) and the Jenkins step's result.
     *
     * @param indexBaseUrl the index's public base URL, or null when unknown
     */
    public PublishSummary summary(String indexBaseUrl) {
        return PublishSummary.of(release, latest, indexBaseUrl);
    }
}
