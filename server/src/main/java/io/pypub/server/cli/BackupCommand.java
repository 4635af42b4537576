package io.pypub.server.cli;

import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.retention.TableBackup;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.util.ObjectKeys;
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

    @Mixin
    ActorOption actor;

    @Option(names = "--key", description = "Object key in the package bucket, under the prefix (default: backups/versions-<UTC time>.jsonl).")
    String key;

    @Override
    public Integer call() {
        String target = key != null ? ObjectKeys.requireValid(key, "--key")
                : "backups/versions-" + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "") + ".jsonl";
        try (AwsClients clients = aws.clients()) {
            String objectKey = clients.settings().prefix() + target;
            AuditEvent.Builder event = AuditEvent.of("backup", actor.actor()).detail("table", clients.settings().versionTable())
                    .detail("bucket", clients.settings().bucket()).detail("key", objectKey);
            var summary = ChangeLog.on(clients).run(event, () -> new TableBackup(clients.dynamo(), clients.s3())
                            .export(clients.settings().versionTable(), clients.settings().bucket(), objectKey,
                                    new ConsoleLog(System.err, false)),
                    s -> "Backed up " + s.items() + " items to s3://" + s.bucket() + "/" + s.key() + " (sha256 " + s.sha256() + ")");
            System.out.println("s3://" + summary.bucket() + "/" + summary.key() + " (" + summary.items() + " items, sha256 "
                    + summary.sha256() + ")");
        }
        return 0;
    }
}
