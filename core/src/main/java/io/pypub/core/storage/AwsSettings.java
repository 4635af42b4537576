package io.pypub.core.storage;

import java.net.URI;

/**
 * Where a deployment keeps its data: bucket(s), tables, region and, for S3-compatible stores or
 * local servers, an endpoint override. Credentials are not part of it: they come from the AWS
 * default chain or are handed to {@link AwsClients} separately, so settings can be printed safely.
 *
 * @param docsBucket bucket for pdoc HTML; null means the package bucket
 */
public record AwsSettings(
        String region,
        String bucket,
        String prefix,
        String docsBucket,
        String versionTable,
        String accessTable,
        URI s3Endpoint,
        URI dynamoEndpoint) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_VERSION_TABLE = "pypub-versions";
    public static final String DEFAULT_ACCESS_TABLE = "pypub-access";

    public AwsSettings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("No S3 bucket configured: set --bucket or PYPUB_BUCKET");
        }
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        prefix = prefix == null ? "" : prefix;
        versionTable = versionTable == null || versionTable.isBlank() ? DEFAULT_VERSION_TABLE : versionTable;
        accessTable = accessTable == null || accessTable.isBlank() ? DEFAULT_ACCESS_TABLE : accessTable;
    }

    public String effectiveDocsBucket() {
        return docsBucket == null || docsBucket.isBlank() ? bucket : docsBucket;
    }

    public StorageLayout layout() {
        return new StorageLayout(prefix);
    }
}
