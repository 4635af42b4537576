package io.pypub.jenkins;

import io.pypub.core.storage.AwsSettings;
import java.io.Serializable;
import io.pypub.core.config.Config;
import java.util.HashMap;
import java.util.Map;

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

    /**
     * Core's settings catalogue maps the target's fields to settings ({@code Settings}, the same rules and
     * defaults as the command line and the Lambda function) and rejects a missing bucket or a bad value,
     * naming the field.
     */
    AwsSettings toAwsSettings() {
        Map<String, String> fields = new HashMap<>();
        fields.put("region", region);
        fields.put("bucket", bucket);
        fields.put("prefix", prefix);
        fields.put("docsBucket", docsBucket);
        fields.put("versionTable", versionTable);
        fields.put("accessTable", accessTable);
        fields.put("s3Endpoint", s3Endpoint);
        fields.put("dynamoEndpoint", dynamoEndpoint);
        return AwsSettings.from(Config.fromJenkins(Map.of(), fields));
    }
}
