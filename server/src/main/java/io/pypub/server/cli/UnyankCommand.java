package io.pypub.server.cli;

import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Undoes a yank. */
@Command(name = "unyank", mixinStandardHelpOptions = true,
        description = "Undo a yank; an unpinned latest moves back up if this is the highest version again.")
final class UnyankCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Parameters(index = "0", description = "Project name.")
    String project;

    @Parameters(index = "1", description = "Version to unyank.")
    String version;

    @Option(names = "--stage", required = true, description = "Stage, e.g. prod.")
    String stage;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            var lifecycle = ReleaseLifecycle.on(clients);
            System.out.println(lifecycle.unyank(Stage.of(stage), project, version, actor.actor()).message());
        }
        return 0;
    }
}
