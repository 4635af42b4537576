package io.pypub.jenkins;

import io.pypub.core.storage.AwsSettings;
import java.io.Serializable;
import java.net.URI;

/**
 * The storage settings of a {@link PublishTarget} as plain strings, so they can travel to an agent
 * (core's {@link AwsSettings} is a record, not serializable). Holds no secret.
 */
final class TargetSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String region;
    private final String bucket;
    private final String prefix;
    private final String docsBucket;
    private final String versionTable;
    private final String accessTable;
    private final String s3Endpoint;
    private final String dynamoEndpoint;

    TargetSettings(String region, String bucket, String prefix, String docsBucket, String versionTable, String accessTable,
            String s3Endpoint, String dynamoEndpoint) {
        this.region = region;
        this.bucket = bucket;
        this.prefix = prefix;
        this.docsBucket = docsBucket;
        this.versionTable = versionTable;
        this.accessTable = accessTable;
        this.s3Endpoint = s3Endpoint;
        this.dynamoEndpoint = dynamoEndpoint;
    }

    /** Core applies the defaults (region, table names) and rejects a missing bucket. */
    AwsSettings toAwsSettings() {
        return new AwsSettings(region, bucket, prefix, docsBucket, versionTable, accessTable, uri(s3Endpoint), uri(dynamoEndpoint));
    }

    private static URI uri(String value) {
        return value == null || value.isBlank() ? null : URI.create(value.trim());
    }
}
