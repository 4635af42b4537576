package io.pypub.server.cli;

import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import java.util.List;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.StorageProvisioner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Creates the bucket(s) and tables of a deployment if they are missing. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Create the S3 bucket(s) and DynamoDB tables if missing.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Mixin
    ActorOption actor;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            AuditEvent.Builder event = AuditEvent.of("init", actor.actor()).detail("bucket", clients.settings().bucket())
                    .detail("version_table", clients.settings().versionTable()).detail("access_table", clients.settings().accessTable());
            List<String> done = ChangeLog.on(clients).run(event, () -> new StorageProvisioner(clients).ensureAll(),
                    lines -> String.join("; ", lines));
            done.forEach(System.out::println);
        }
        return 0;
    }
}
