package io.pypub.core.lifecycle;

import io.pypub.core.release.Stage;
import io.pypub.core.storage.VersionTable.LatestChange;

/**
 * What a rollback, unpin, yank or unyank did.
 *
 * @param version the release operated on (null for unpin)
 * @param latest  {@code latest} before and after
 */
public record LifecycleResult(String operation, Stage stage, String project, String version, LatestChange latest, String message)
        implements AuditTrail.Outcome {

    @Override
    public boolean changed() {
        return latest.changed();
    }
}
