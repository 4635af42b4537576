package io.pypub.bench;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.embedded.EmbeddedAws;
import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The embedded servers (which know nothing of core) as core's settings and clients, one deployment per benchmark. */
final class EmbeddedDeployments implements AutoCloseable {
    private final EmbeddedAws servers;

    private EmbeddedDeployments(EmbeddedAws servers) {
        this.servers = servers;
    }

    static EmbeddedDeployments start(PythonEnvironment python, Path logDir) {
        return new EmbeddedDeployments(EmbeddedAws.start(python.python(), logDir));
    }

    URI s3Endpoint() {
        return servers.s3Endpoint();
    }

    /** The S3 server's process id. */
    long s3Pid() {
        return servers.s3Server().pid();
    }

    /** The DynamoDB server's process id. */
    long dynamoPid() {
        return servers.dynamoServer().pid();
    }

    AwsSettings settings(String bucket, String prefix, String versionTable, String accessTable) {
        return new AwsSettings(AwsSettings.DEFAULT_REGION, bucket, prefix, null, versionTable, accessTable,
                servers.s3Endpoint(), servers.dynamoEndpoint());
    }

    AwsClients clients(AwsSettings settings) {
        return new AwsClients(settings, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(EmbeddedAws.ACCESS_KEY_ID, EmbeddedAws.SECRET_ACCESS_KEY)));
    }

    @Override
    public void close() {
        servers.close();
    }
}
