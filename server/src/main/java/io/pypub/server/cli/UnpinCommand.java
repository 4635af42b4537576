package io.pypub.server.cli;

import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Releases a rollback's pin. */
@Command(name = "unpin", mixinStandardHelpOptions = true,
        description = "Release a rollback's pin: latest becomes the highest version that is not yanked.")
final class UnpinCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Parameters(index = "0", description = "Project name.")
    String project;

    @Option(names = "--stage", required = true, description = "Stage, e.g. prod.")
    String stage;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            var lifecycle = ReleaseLifecycle.on(clients);
            System.out.println(lifecycle.unpin(Stage.of(stage), project, actor.actor()).message());
        }
        return 0;
    }
}
