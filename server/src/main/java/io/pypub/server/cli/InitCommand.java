package io.pypub.server.cli;

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

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            new StorageProvisioner(clients).ensureAll().forEach(System.out::println);
        }
        return 0;
    }
}
