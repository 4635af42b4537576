package io.pypub.server.cli;

import io.pypub.core.retention.TableBackup;
import io.pypub.core.storage.AwsClients;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports the version table to S3 (DynamoDB JSON lines). */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Back the version table up to an S3 object.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Option(names = "--key", description = "Object key in the package bucket (default: backups/versions-<UTC time>.jsonl).")
    String key;

    @Override
    public Integer call() {
        String target = key != null ? key
                : "backups/versions-" + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "") + ".jsonl";
        try (AwsClients clients = aws.clients()) {
            var summary = new TableBackup(clients.dynamo(), clients.s3())
                    .export(clients.settings().versionTable(), clients.settings().bucket(), clients.settings().prefix() + target,
                            new ConsoleLog(System.err, false));
            System.out.println("s3://" + summary.bucket() + "/" + summary.key() + " (" + summary.items() + " items, sha256 "
                    + summary.sha256() + ")");
        }
        return 0;
    }
}
