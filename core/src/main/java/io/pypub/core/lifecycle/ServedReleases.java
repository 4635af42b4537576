package io.pypub.core.lifecycle;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.Release;
import io.pypub.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The releases of a project as the index offers them to installers. The simple API has no notion
 * of {@code latest}, so a pin is expressed with PEP 592: releases above a pinned {@code latest}
 * are served as yanked (the table is unchanged). {@code pip install PROJECT} then gets the pinned
 * version, while {@code pip install PROJECT==NEWER} still works, which is what a rollback means.
 */
public final class ServedReleases {
    private ServedReleases() {}

    public static List<Release> of(List<Release> releases, Optional<LatestPointer> latest) {
        if (latest.isEmpty() || !latest.get().pinned() || !Version.isValid(latest.get().version())) {
            return releases;
        }
        Version pin = Version.parse(latest.get().version());
        String reason = "latest is pinned to " + pin.normalized()
                + (latest.get().pinReason() == null ? "" : ": " + latest.get().pinReason());
        List<Release> out = new ArrayList<>(releases.size());
        for (Release r : releases) {
            if (!r.yanked() && r.version().compareTo(pin) > 0) {
                out.add(r.withYanked(true, reason));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
