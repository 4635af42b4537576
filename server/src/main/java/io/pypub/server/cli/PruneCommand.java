package io.pypub.server.cli;

import io.pypub.core.release.Stage;
import io.pypub.core.retention.PrunePolicy;
import io.pypub.core.retention.ReleasePruner;
import io.pypub.core.storage.AwsClients;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Deletes old releases of a stage, sparing latest, pinned and promoted ones. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete the records of old releases of a stage. Never touches a project's latest (pinned or not) or a "
                + "promoted release. Their objects stay until `pypub gc` finds nothing references them.")
final class PruneCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Option(names = "--stage", required = true, description = "Stage to prune, e.g. dev.")
    String stage;

    @Option(names = "--keep", description = "Newest versions of each project to keep, whatever their age.")
    Integer keep;

    @Option(names = "--older-than-days", description = "Only prune releases published more than this many days ago.")
    Integer olderThanDays;

    @Option(names = "--dry-run", description = "Only list what would be pruned.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrunePolicy policy = new PrunePolicy(keep, olderThanDays == null ? null : Duration.ofDays(olderThanDays));
        try (AwsClients clients = aws.clients()) {
            var pruned = ReleasePruner.on(clients).prune(Stage.of(stage), policy, dryRun, actor.actor(), new ConsoleLog(System.err, false));
            for (var p : pruned) {
                System.out.println((dryRun ? "would prune " : "pruned ") + p.project() + " " + p.version() + " (published "
                        + p.publishedAt() + ")");
            }
        }
        return 0;
    }
}
