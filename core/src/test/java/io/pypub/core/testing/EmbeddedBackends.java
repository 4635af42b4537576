package io.pypub.core.testing;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.embedded.EmbeddedAws;
import io.pypub.embedded.MotoServer;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The embedded servers (module {@code embedded}, which knows nothing of core) seen as core's
 * {@link AwsSettings} and {@link AwsClients}: what every test that talks to them needs.
 */
public final class EmbeddedBackends implements AutoCloseable {
    public static final String BUCKET = EmbeddedAws.BUCKET;

    private final EmbeddedAws servers;

    private EmbeddedBackends(EmbeddedAws servers) {
        this.servers = servers;
    }

    public static EmbeddedBackends start(PythonEnvironment python, Path logDir) {
        return new EmbeddedBackends(EmbeddedAws.start(python.python(), logDir));
    }

    public io.pypub.embedded.LoopbackServer s3Server() {
        return servers.s3Server();
    }

    public MotoServer dynamoServer() {
        return servers.dynamoServer();
    }

    /** Settings for a deployment on these servers; {@code prefix} keeps tests apart in one bucket. */
    public AwsSettings settings(String bucket, String prefix, String versionTable, String accessTable) {
        return new AwsSettings(AwsSettings.DEFAULT_REGION, bucket, prefix, null, versionTable, accessTable,
                servers.s3Endpoint(), servers.dynamoEndpoint());
    }

    public AwsSettings defaultSettings() {
        return settings(BUCKET, "", AwsSettings.DEFAULT_VERSION_TABLE, AwsSettings.DEFAULT_ACCESS_TABLE);
    }

    /** The keys the servers accept, so the SDK signs requests as it would for AWS. */
    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedAws.ACCESS_KEY_ID, EmbeddedAws.SECRET_ACCESS_KEY));
    }

    public AwsClients clients(AwsSettings settings) {
        return new AwsClients(settings, credentials());
    }

    @Override
    public void close() {
        servers.close();
    }
}
