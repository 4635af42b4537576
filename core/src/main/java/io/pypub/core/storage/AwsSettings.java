package io.pypub.core.storage;

import io.pypub.core.config.Config;
import io.pypub.core.config.Settings;
import java.io.Serializable;
import java.net.URI;

/**
 * Where a deployment keeps its data: bucket(s), tables, region and, for S3-compatible stores or
 * local servers, an endpoint override. Credentials are not part of it: they come from the AWS
 * default chain or are handed to {@link AwsClients} separately, so settings can be printed safely.
 *
 * <p>Serializable: the Jenkins plugin sends it to the agent that publishes (strings and URIs only; the
 * compact constructor checks it again there).
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
        URI dynamoEndpoint) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_REGION = Settings.REGION.defaultValue();
    public static final String DEFAULT_VERSION_TABLE = Settings.VERSION_TABLE.defaultValue();
    public static final String DEFAULT_ACCESS_TABLE = Settings.ACCESS_TABLE.defaultValue();

    public AwsSettings {
        if (bucket == null || bucket.isBlank()) {
            throw new io.pypub.core.config.ConfigException("No S3 bucket configured: set " + Settings.BUCKET.describe());
        }
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        prefix = prefix == null ? "" : prefix;
        versionTable = versionTable == null || versionTable.isBlank() ? DEFAULT_VERSION_TABLE : versionTable;
        accessTable = accessTable == null || accessTable.isBlank() ? DEFAULT_ACCESS_TABLE : accessTable;
    }

    /** The deployment as the effective settings say, each checked by its rule (one error naming the setting otherwise). */
    public static AwsSettings from(Config config) {
        return new AwsSettings(config.get(Settings.REGION), config.require(Settings.BUCKET, "S3 bucket"), config.get(Settings.PREFIX),
                config.get(Settings.DOCS_BUCKET), config.get(Settings.VERSION_TABLE), config.get(Settings.ACCESS_TABLE),
                config.get(Settings.S3_ENDPOINT), config.get(Settings.DYNAMODB_ENDPOINT));
    }

    public String effectiveDocsBucket() {
        return docsBucket == null || docsBucket.isBlank() ? bucket : docsBucket;
    }

    public StorageLayout layout() {
        return new StorageLayout(prefix);
    }
}
