package io.pypub.jenkins;

import io.pypub.core.config.Config;
import io.pypub.core.storage.AwsSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The storage fields of a {@link PublishTarget} (or of its form, for "Test connection") as entered, before
 * core's catalogue checks them. Only {@link AwsSettings} travels to an agent. Holds no secret.
 */
final class TargetSettings {
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
