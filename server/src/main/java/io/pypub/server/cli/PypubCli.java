package io.pypub.server.cli;

import io.pypub.core.publish.PublishException;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.storage.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pypub}: publish Python packages to S3 + DynamoDB and serve them as a package index. */
@Command(name = "pypub", mixinStandardHelpOptions = true, version = "pypub 0.1.0",
        description = "Publish Python packages to S3 + DynamoDB and serve them to pip, uv and poetry.",
        subcommands = {PublishCommand.class, ServeCommand.class, InitCommand.class, DemoCommand.class,
            RollbackCommand.class, UnpinCommand.class, YankCommand.class, UnyankCommand.class, PromoteCommand.class,
            ImportCommand.class, PruneCommand.class, BackupCommand.class, RestoreCommand.class, KeysCommand.class, UsersCommand.class, AuditCommand.class})
public final class PypubCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new PypubCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // Known failures get their message only; anything else gets the stack trace to help a bug report.
            if (e instanceof PublishException || e instanceof ReleaseExistsException || e instanceof StorageException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("error: " + e.getMessage());
            } else {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }
}
