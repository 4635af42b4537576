package io.pypub.server.cli;

import picocli.CommandLine.Option;

/** {@code --actor}: who runs a lifecycle command, for the audit trail. */
final class ActorOption {
    @Option(names = "--actor", defaultValue = "${env:BUILD_URL}",
            description = "Who does this, for the audit trail (default: $BUILD_URL, else user@host).")
    String actor;

    String actor() {
        return actor != null && !actor.isBlank() ? actor : PublishCommand.defaultPublisher();
    }
}
