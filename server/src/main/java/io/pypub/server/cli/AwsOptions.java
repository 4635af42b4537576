package io.pypub.server.cli;

import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import java.net.URI;
import picocli.CommandLine.Option;

/** Where the deployment lives; every option also reads a PYPUB_* environment variable. */
public final class AwsOptions {
    @Option(names = "--bucket", defaultValue = "${env:PYPUB_BUCKET}", description = "S3 bucket for packages (env PYPUB_BUCKET).")
    String bucket;

    @Option(names = "--prefix", defaultValue = "${env:PYPUB_PREFIX}", description = "Key prefix inside the bucket (env PYPUB_PREFIX).")
    String prefix;

    @Option(names = "--docs-bucket", defaultValue = "${env:PYPUB_DOCS_BUCKET}",
            description = "S3 bucket for docs; default: the package bucket (env PYPUB_DOCS_BUCKET).")
    String docsBucket;

    @Option(names = "--version-table", defaultValue = "${env:PYPUB_VERSION_TABLE:-pypub-versions}",
            description = "DynamoDB version table (env PYPUB_VERSION_TABLE; default ${DEFAULT-VALUE}).")
    String versionTable;

    @Option(names = "--access-table", defaultValue = "${env:PYPUB_ACCESS_TABLE:-pypub-access}",
            description = "DynamoDB access table (env PYPUB_ACCESS_TABLE; default ${DEFAULT-VALUE}).")
    String accessTable;

    @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}", description = "AWS region (env AWS_REGION; default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--s3-endpoint", defaultValue = "${env:PYPUB_S3_ENDPOINT}",
            description = "Endpoint of an S3-compatible store instead of AWS (env PYPUB_S3_ENDPOINT).")
    URI s3Endpoint;

    @Option(names = "--dynamodb-endpoint", defaultValue = "${env:PYPUB_DYNAMODB_ENDPOINT}",
            description = "Endpoint of a DynamoDB-compatible server instead of AWS (env PYPUB_DYNAMODB_ENDPOINT).")
    URI dynamoEndpoint;

    public AwsSettings settings() {
        return new AwsSettings(region, bucket, prefix, docsBucket, versionTable, accessTable,
                endpoint(s3Endpoint, "--s3-endpoint", "PYPUB_S3_ENDPOINT"),
                endpoint(dynamoEndpoint, "--dynamodb-endpoint", "PYPUB_DYNAMODB_ENDPOINT"));
    }

    /** An endpoint must be an absolute http(s) URL with a host; the SDK fails on anything else with a NullPointerException. */
    static URI endpoint(URI uri, String option, String env) {
        if (uri == null || uri.toString().isBlank()) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("Invalid " + option + " (env " + env + ") '"
                    + io.pypub.core.audit.Redaction.field(uri.toString()) + "': use an http(s) URL with a host and port, "
                    + "like http://localhost:4566");
        }
        return uri;
    }

    /** Clients with credentials from the AWS default chain (env, profile, instance or task role). */
    public AwsClients clients() {
        return new AwsClients(settings(), null);
    }
}
