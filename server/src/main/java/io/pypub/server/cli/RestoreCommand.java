package io.pypub.server.cli;

import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.retention.TableBackup;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.util.ObjectKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a backup made by `pypub backup` into the version table (or another table). */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore the version table from a backup object. Every release is checked against its objects "
                + "(exists, size, sha256); one whose objects are gone or differ is skipped and listed (exit 1). latest and "
                + "the project registry are recomputed from the restored releases and those published since. Idempotent.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Option(names = "--key", required = true, description = "Object key of the backup in the package bucket.")
    String key;

    @Option(names = "--table", description = "Table to restore into (default: the version table); created if missing.")
    String table;

    @Option(names = "--dry-run", description = "Check everything and show what would be restored, skipped and changed; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        ObjectKeys.requireValid(key, "--key");
        try (AwsClients clients = aws.clients()) {
            String target = table != null ? table : clients.settings().versionTable();
            var s = clients.settings();
            java.util.function.Supplier<TableBackup.RestoreReport> restore = () -> {
                if (!dryRun) {
                    new StorageProvisioner(clients).ensureTable(target);
                }
                return new TableBackup(clients.dynamo(), clients.s3()).restore(s.bucket(), key, target,
                        new S3ArtifactStore(clients.s3(), s.bucket()), new S3ArtifactStore(clients.s3(), s.effectiveDocsBucket()),
                        dryRun, new ConsoleLog(System.err, false));
            };
            TableBackup.RestoreReport report;
            if (dryRun) {
                report = restore.get(); // changes nothing: no audit event
            } else {
                AuditEvent.Builder event = AuditEvent.of("restore", actor.actor()).detail("table", target)
                        .detail("bucket", s.bucket()).detail("key", key);
                report = ChangeLog.on(clients).run(event, restore, r -> r.message()
                        + (r.skipped().isEmpty() ? "" : " Skipped: " + String.join("; ", r.skipped())));
            }
            report.restored().forEach(r -> System.out.println((dryRun ? "would restore " : "restored ") + r));
            report.skipped().forEach(r -> System.out.println((dryRun ? "would skip " : "skipped ") + r));
            report.notes().forEach(System.out::println);
            System.out.println(report.message());
            return report.skipped().isEmpty() ? 0 : 1;
        }
    }
}
