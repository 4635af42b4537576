package io.pypub.core.upstream;

import io.pypub.core.release.Stage;
import java.util.Optional;

/**
 * The dependency-confusion check at publish time: does a name being published privately also exist
 * on the stage's upstream? If so, anyone who installs with an extra index (or a misconfigured
 * client) may get the public one.
 */
public final class PublicNameCheck {
    private final UpstreamSettings settings;
    private final UpstreamClient client;

    public PublicNameCheck(UpstreamSettings settings) {
        this.settings = settings;
        this.client = new UpstreamClient(settings.timeout());
    }

    /** What the check found. */
    public record Finding(boolean existsUpstream, String upstream, String problem) {}

    /** Empty when the stage has no upstream; otherwise whether the first upstream that knows the name has it. */
    public Optional<Finding> check(Stage stage, String normalizedProject) {
        var upstreams = settings.forStage(stage);
        if (upstreams.isEmpty()) {
            return Optional.empty();
        }
        for (UpstreamUrl u : upstreams.get().urls()) {
            try {
                if (client.project(u, normalizedProject).isPresent()) {
                    return Optional.of(new Finding(true, u.redacted(), null));
                }
            } catch (UpstreamException e) {
                return Optional.of(new Finding(false, u.redacted(), e.getMessage()));
            }
        }
        return Optional.of(new Finding(false, null, null));
    }
}
