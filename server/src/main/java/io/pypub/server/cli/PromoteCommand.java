package io.pypub.server.cli;

import io.pypub.core.lifecycle.ReleasePromoter;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Copies a tested release to the next stage, byte for byte. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Copy a release's exact files (sha256-verified), metadata and docs from one stage to another and "
                + "record it there, without rebuilding. Refused if the target has that version with different bytes; "
                + "a no-op if it has the same bytes.")
final class PromoteCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Mixin
    SlackOptions slack;

    @Parameters(index = "0", description = "Project name.")
    String project;

    @Parameters(index = "1", description = "Version to promote.")
    String version;

    @Option(names = "--from", required = true, description = "Stage the release was tested in, e.g. test.")
    String from;

    @Option(names = "--to", required = true, description = "Stage to promote to, e.g. prod.")
    String to;

    @Option(names = {"-v", "--verbose"}, description = "Show each copied file.")
    boolean verbose;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            var promoter = ReleasePromoter.on(clients).notifying(slack.notifier(
                    new DynamoVersionTable(clients.dynamo(), clients.settings().versionTable()).releaseThreads()));
            var result = promoter.promote(project, version, Stage.of(from), Stage.of(to), actor.actor(),
                    new ConsoleLog(System.err, verbose));
            System.out.println(result.message());
        }
        return 0;
    }
}
