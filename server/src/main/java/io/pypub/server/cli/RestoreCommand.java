package io.pypub.server.cli;

import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.retention.TableBackup;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.util.ObjectKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a backup made by `pypub backup` into the version table (or another table). */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore the version table from a backup object (idempotent: items are replaced by key).")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Option(names = "--key", required = true, description = "Object key of the backup in the package bucket.")
    String key;

    @Option(names = "--table", description = "Table to restore into (default: the version table); created if missing.")
    String table;

    @Override
    public Integer call() {
        ObjectKeys.requireValid(key, "--key");
        try (AwsClients clients = aws.clients()) {
            String target = table != null ? table : clients.settings().versionTable();
            AuditEvent.Builder event = AuditEvent.of("restore", actor.actor()).detail("table", target)
                    .detail("bucket", clients.settings().bucket()).detail("key", key);
            var summary = ChangeLog.on(clients).run(event, () -> {
                new StorageProvisioner(clients).ensureTable(target);
                return new TableBackup(clients.dynamo(), clients.s3())
                        .restore(clients.settings().bucket(), key, target, new ConsoleLog(System.err, false));
            }, s -> "Restored " + s.items() + " items into " + s.table() + " from s3://" + s.bucket() + "/" + s.key());
            System.out.println("Restored " + summary.items() + " items into " + summary.table());
        }
        return 0;
    }
}
