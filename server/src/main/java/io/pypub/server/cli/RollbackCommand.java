package io.pypub.server.cli;

import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Pins latest to an earlier (or any existing) release. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Pin latest of a project to an existing release that is not yanked; publishing leaves the pin "
                + "in place until 'pypub unpin'. The index then serves newer releases as yanked, so "
                + "'pip install PROJECT' gets the pinned version.")
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Mixin
    SlackOptions slack;

    @Parameters(index = "0", description = "Project name.")
    String project;

    @Option(names = "--stage", required = true, description = "Stage, e.g. prod.")
    String stage;

    @Option(names = "--to", required = true, description = "Version latest is pinned to.")
    String version;

    @Option(names = "--reason", required = true, description = "Why (shown with the pin and kept in the audit trail).")
    String reason;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            var lifecycle = ReleaseLifecycle.on(clients).notifying(slack.notifier(
                    new DynamoVersionTable(clients.dynamo(), clients.settings().versionTable()).releaseThreads()),
                    new ConsoleLog(System.err, false));
            System.out.println(lifecycle.rollback(Stage.of(stage), project, version, reason, actor.actor()).message());
        }
        return 0;
    }
}
