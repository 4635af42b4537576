package io.pypub.server.cli;

import io.pypub.core.publish.PublishException;
import io.pypub.core.storage.PublishConflictException;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.storage.StorageException;
import picocli.CommandLine;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import picocli.CommandLine.Command;

/** {@code pypub}: publish Python packages to S3 + DynamoDB and serve them as a package index. */
@Command(name = "pypub", mixinStandardHelpOptions = true, version = "pypub 0.1.0",
        description = "Publish Python packages to S3 + DynamoDB and serve them to pip, uv and poetry.",
        subcommands = {PublishCommand.class, ServeCommand.class, InitCommand.class, DemoCommand.class,
            RollbackCommand.class, UnpinCommand.class, YankCommand.class, UnyankCommand.class, PromoteCommand.class,
            ImportCommand.class, PruneCommand.class, GcCommand.class, BackupCommand.class, RestoreCommand.class, KeysCommand.class, UsersCommand.class, AuditCommand.class})
public final class PypubCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new PypubCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = userError(e);
            if (message != null) {
                cmd.getErr().println("error: " + message);
            } else {
                e.printStackTrace(cmd.getErr()); // a bug: the stack trace helps its report
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** What to tell the user about a failure they can act on, or null for anything else. */
    static String userError(Exception e) {
        if (e instanceof PublishException || e instanceof ReleaseExistsException || e instanceof PublishConflictException
                || e instanceof StorageException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        if (e instanceof SdkClientException) {
            return "could not reach AWS: " + e.getMessage() + ". Check the network, the endpoints (--s3-endpoint, "
                    + "--dynamodb-endpoint), the region and the AWS credentials (default chain: environment, profile, role).";
        }
        if (e instanceof AwsServiceException) {
            return "AWS refused the request: " + e.getMessage() + ". Check that the credentials may use the bucket and "
                    + "tables (IAM), and that `pypub init` created them.";
        }
        return null;
    }
}
