package io.pypub.core.embedded;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The embedded default deployment: an S3 API server and a DynamoDB API server on loopback,
 * each its own process so one can fail while the other keeps running. Used by {@code pypub demo}
 * and by the test suite; production points {@link AwsSettings} at AWS instead.
 */
public final class EmbeddedAws implements AutoCloseable {
    public static final String BUCKET = "pypub-packages";

    private final MotoServer s3;
    private final MotoServer dynamo;

    private EmbeddedAws(MotoServer s3, MotoServer dynamo) {
        this.s3 = s3;
        this.dynamo = dynamo;
    }

    public static EmbeddedAws start(PythonEnvironment python, Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MotoServer s3 = MotoServer.start(python.python(), logDir.resolve("s3-server.log"), false);
        try {
            // Serial: DynamoDB transactions must be atomic, as on AWS.
            MotoServer dynamo = MotoServer.start(python.python(), logDir.resolve("dynamodb-server.log"), true);
            return new EmbeddedAws(s3, dynamo);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    public MotoServer s3Server() {
        return s3;
    }

    public MotoServer dynamoServer() {
        return dynamo;
    }

    /** Settings for a deployment on these servers; {@code prefix} keeps tests apart in one bucket. */
    public AwsSettings settings(String bucket, String prefix, String versionTable, String accessTable) {
        return new AwsSettings(AwsSettings.DEFAULT_REGION, bucket, prefix, null, versionTable, accessTable, s3.endpoint(),
                dynamo.endpoint());
    }

    public AwsSettings defaultSettings() {
        return settings(BUCKET, "", AwsSettings.DEFAULT_VERSION_TABLE, AwsSettings.DEFAULT_ACCESS_TABLE);
    }

    /** The local servers accept any credentials; these make the SDK sign requests as it would for AWS. */
    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded-secret"));
    }

    public AwsClients clients(AwsSettings settings) {
        return new AwsClients(settings, credentials());
    }

    @Override
    public void close() {
        s3.close();
        dynamo.close();
    }
}
