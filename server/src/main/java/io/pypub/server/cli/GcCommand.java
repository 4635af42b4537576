package io.pypub.server.cli;

import io.pypub.core.retention.ObjectCollector;
import io.pypub.core.storage.AwsClients;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The collector: deletes objects that no record references, after a grace period. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Delete package, metadata and docs objects that no release record of any stage references and that are "
                + "older than the grace period (prune and --overwrite only change records; this removes what they left). "
                + "Safe next to publishes and downloads.")
final class GcCommand implements Callable<Integer> {
    /** Well above the index's page cache (1-1.5 s), presigned URLs (minutes) and any publish's upload-to-record time. */
    static final int MIN_GRACE_MINUTES = 60;

    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Option(names = "--grace-hours", defaultValue = "48",
            description = "Only delete unreferenced objects last written more than this many hours ago (default ${DEFAULT-VALUE}, at least 1).")
    double graceHours;

    @Option(names = "--honour-backup", description = "Key of a version-table backup (in the package bucket) whose records keep "
            + "their objects, so that it can still be restored in full. Repeatable.")
    List<String> honouredBackups;

    @Option(names = "--dry-run", description = "Only list what would be deleted.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (!(graceHours * 60 >= MIN_GRACE_MINUTES)) {
            throw new IllegalArgumentException("--grace-hours must be at least " + (MIN_GRACE_MINUTES / 60) + " (an index may still serve "
                    + "a page listing a pruned file for its cache interval, a presigned URL lives for minutes, a publish uploads "
                    + "before it records), not " + graceHours);
        }
        Duration grace = Duration.ofSeconds(Math.round(graceHours * 3600));
        try (AwsClients clients = aws.clients()) {
            List<String> backups = honouredBackups == null ? List.of()
                    : honouredBackups.stream().map(k -> k.startsWith(clients.settings().layout().prefix()) ? k
                            : clients.settings().layout().prefix() + k).toList();
            var report = ObjectCollector.on(clients).sweep(grace, dryRun, backups, actor.actor(), new ConsoleLog(System.err, false));
            for (var c : report.collected()) {
                System.out.println((dryRun ? "would delete " : "deleted ") + "s3://" + c.bucket() + "/" + c.key() + " (" + c.size()
                        + " bytes)");
            }
            System.out.println(report.message());
        }
        return 0;
    }
}
