package io.pypub.core.lifecycle;

import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.VersionTable.RecordOutcome;

/**
 * What a promotion did.
 *
 * @param release   the release as recorded in the target stage
 * @param changed   false when the target already had identical bytes and nothing was written
 * @param latest    what recording did to the target's {@code latest}; null when unchanged
 * @param docsFiles docs objects copied
 */
public record PromotionResult(Stage from, Release release, boolean changed, RecordOutcome latest, int docsFiles, String message)
        implements AuditTrail.Outcome {}
