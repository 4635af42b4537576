package io.pypub.server.cli;

import io.pypub.core.lifecycle.ImportResult;
import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.lifecycle.SimpleIndexMirror;
import io.pypub.core.util.FileTrees;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Brings a folder, or another simple index, of existing sdists and wheels into a stage. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a folder of existing sdists (.tar.gz) and wheels (e.g. a pypiserver folder), recursively, "
                + "or everything another simple index serves (an http(s):// URL speaking PEP 691 JSON, files checked by sha256): "
                + "one release per project and version, with metadata read from the files. Safe to run again: files "
                + "already there are left alone; a file whose name is recorded with other bytes is skipped (exit 1).")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Parameters(index = "0", description = "Folder holding the files, or the simple index URL (e.g. https://old-index/simple/).")
    String source;

    @Option(names = "--project", split = ",", description = "With a URL: only these projects (default: all the index lists).")
    List<String> projects;

    @Option(names = "--stage", required = true, description = "Stage to import into.")
    String stage;

    @Override
    public Integer call() throws IOException {
        Stage target = Stage.of(stage);
        ConsoleLog log = new ConsoleLog(System.err, false);
        Path folder = Path.of(source);
        Path downloads = null;
        if (source.startsWith("http://") || source.startsWith("https://")) {
            downloads = Files.createTempDirectory("pypub-import-");
            new SimpleIndexMirror().download(URI.create(source), projects == null ? List.of() : projects, downloads, log);
            folder = downloads;
        }
        try (AwsClients clients = aws.clients()) {
            ImportResult result = ReleaseImporter.on(clients).importFolder(folder, target, actor.actor(), log);
            System.out.println(result.message());
            if (!result.skipped().isEmpty()) {
                System.err.println("Skipped:");
                result.skipped().forEach(s -> System.err.println("  " + s));
                return 1;
            }
        } finally {
            if (downloads != null) {
                FileTrees.deleteQuietly(downloads);
            }
        }
        return 0;
    }
}
