package io.pypub.core.storage;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Builds the AWS SDK v2 clients for a deployment; one instance owns and closes them. */
public final class AwsClients implements AutoCloseable {
    private final AwsSettings settings;
    private final SdkHttpClient http;
    private final S3Client s3;
    private final DynamoDbClient dynamo;
    private final S3Presigner presigner;

    public AwsClients(AwsSettings settings, AwsCredentialsProvider credentials) {
        this.settings = settings;
        AwsCredentialsProvider creds = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(settings.region());
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        // Path-style addressing and checksums only when required keep S3-compatible stores working.
        S3Configuration s3Config = S3Configuration.builder()
                .pathStyleAccessEnabled(settings.s3Endpoint() != null)
                .build();
        var s3b = S3Client.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(creds)
                .serviceConfiguration(s3Config)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presignerb = S3Presigner.builder().region(region).credentialsProvider(creds).serviceConfiguration(s3Config);
        if (settings.s3Endpoint() != null) {
            s3b.endpointOverride(settings.s3Endpoint());
            presignerb.endpointOverride(settings.s3Endpoint());
        }
        this.s3 = s3b.build();
        this.presigner = presignerb.build();
        var db = DynamoDbClient.builder().httpClient(http).region(region).credentialsProvider(creds);
        if (settings.dynamoEndpoint() != null) {
            db.endpointOverride(settings.dynamoEndpoint());
        }
        this.dynamo = db.build();
    }

    public AwsSettings settings() {
        return settings;
    }

    public S3Client s3() {
        return s3;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public S3Presigner presigner() {
        return presigner;
    }

    @Override
    public void close() {
        s3.close();
        dynamo.close();
        presigner.close();
        http.close();
    }
}
