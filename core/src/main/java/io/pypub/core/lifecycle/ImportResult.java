package io.pypub.core.lifecycle;

import java.util.List;

/**
 * What an import did.
 *
 * @param uploaded         files uploaded and recorded
 * @param alreadyPresent   files the stage already had with the same bytes (left alone)
 * @param releasesRecorded release records written (new, or extended with more files)
 * @param skipped          files not imported, each with the reason (invalid, or different bytes than recorded)
 * @param ignored          files that are not .tar.gz sdists or wheels
 */
public record ImportResult(int uploaded, int alreadyPresent, int releasesRecorded, List<String> skipped, List<String> ignored,
        String message) implements AuditTrail.Outcome {

    public ImportResult {
        skipped = List.copyOf(skipped);
        ignored = List.copyOf(ignored);
    }

    @Override
    public boolean changed() {
        return releasesRecorded > 0;
    }
}
