package io.pypub.server.cli;

import io.pypub.core.lifecycle.ImportResult;
import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Brings a folder of existing sdists and wheels into a stage. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a folder of existing sdists (.tar.gz) and wheels (e.g. a pypiserver folder), recursively: "
                + "one release per project and version, with metadata read from the files. Safe to run again: files "
                + "already there are left alone; a file whose name is recorded with other bytes is skipped (exit 1).")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Parameters(index = "0", description = "Folder holding the files.")
    Path folder;

    @Option(names = "--stage", required = true, description = "Stage to import into.")
    String stage;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            ImportResult result = ReleaseImporter.on(clients).importFolder(folder, Stage.of(stage), actor.actor(),
                    new ConsoleLog(System.err, false));
            System.out.println(result.message());
            if (!result.skipped().isEmpty()) {
                System.err.println("Skipped:");
                result.skipped().forEach(s -> System.err.println("  " + s));
                return 1;
            }
        }
        return 0;
    }
}
