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

/** Yanks a release (PEP 592). */
@Command(name = "yank", mixinStandardHelpOptions = true,
        description = "Yank a release (PEP 592): installers skip it unless asked for it exactly (PROJECT==VERSION). "
                + "If it was latest (and not pinned), latest moves to the highest version that is not yanked.")
final class YankCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Mixin
    SlackOptions slack;

    @Parameters(index = "0", description = "Project name.")
    String project;

    @Parameters(index = "1", description = "Version to yank.")
    String version;

    @Option(names = "--stage", required = true, description = "Stage, e.g. prod.")
    String stage;

    @Option(names = "--reason", required = true, description = "Why (pip shows it to whoever installs the version anyway).")
    String reason;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            var lifecycle = ReleaseLifecycle.on(clients).notifying(slack.notifier(
                    new DynamoVersionTable(clients.dynamo(), clients.settings().versionTable()).releaseThreads()),
                    new ConsoleLog(System.err, false));
            System.out.println(lifecycle.yank(Stage.of(stage), project, version, reason, actor.actor()).message());
        }
        return 0;
    }
}
