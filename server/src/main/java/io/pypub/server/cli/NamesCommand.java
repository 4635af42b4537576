package io.pypub.server.cli;

import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.upstream.UpstreamRecords;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pypub names reserve|unreserve|list}: names a stage's upstream is never asked about. */
@Command(name = "names", mixinStandardHelpOptions = true,
        description = "Reserve project names for a stage: the index never looks them up on the stage's upstream, even before "
                + "their first publish (dependency confusion).",
        subcommands = {NamesCommand.Reserve.class, NamesCommand.Unreserve.class, NamesCommand.ListNames.class})
final class NamesCommand {

    /** The reserved names live in the version table, next to the upstream cache records. */
    static UpstreamRecords records(AwsClients clients) {
        return new UpstreamRecords(clients.dynamo(), clients.settings().versionTable());
    }

    @Command(name = "reserve", mixinStandardHelpOptions = true, description = "Reserve a name in a stage.")
    static final class Reserve implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Option(names = "--stage", required = true, description = "The stage.")
        String stage;

        @Parameters(paramLabel = "NAME", description = "The project name.")
        String name;

        @Override
        public Integer call() {
            String normalized = ProjectName.of(name).normalized();
            try (AwsClients clients = aws.clients()) {
                records(clients).reserve(Stage.of(stage), normalized,
                        PublishCommand.defaultPublisher());
            }
            System.out.println("Reserved " + normalized + " in stage '" + stage + "': its upstream is never asked about it.");
            return 0;
        }
    }

    @Command(name = "unreserve", mixinStandardHelpOptions = true, description = "Give a reserved name back.")
    static final class Unreserve implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Option(names = "--stage", required = true, description = "The stage.")
        String stage;

        @Parameters(paramLabel = "NAME", description = "The project name.")
        String name;

        @Override
        public Integer call() {
            try (AwsClients clients = aws.clients()) {
                boolean was = records(clients).unreserve(Stage.of(stage), name);
                System.out.println(was ? "Unreserved " + ProjectName.normalize(name) + " in stage '" + stage + "'."
                        : ProjectName.normalize(name) + " was not reserved in stage '" + stage + "'.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The reserved names of a stage.")
    static final class ListNames implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Option(names = "--stage", required = true, description = "The stage.")
        String stage;

        @Override
        public Integer call() {
            try (AwsClients clients = aws.clients()) {
                for (var r : records(clients).reserved(Stage.of(stage))) {
                    System.out.println(r.project() + "  reserved " + r.at() + " by " + r.by());
                }
            }
            return 0;
        }
    }
}
