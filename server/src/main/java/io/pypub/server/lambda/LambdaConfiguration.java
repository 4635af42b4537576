package io.pypub.server.lambda;

import io.pypub.core.storage.AwsSettings;
import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The function's configuration, from the same environment variables as {@code pypub serve}.
 * Downloads are always presigned redirects: a Lambda response carries at most 6 MB and every
 * byte through the function is billed time, while S3 serves the file directly.
 */
public record LambdaConfiguration(AwsSettings aws, IndexSettings index) {
    static final long DEFAULT_PRESIGN_SECONDS = 300;
    /** SigV4 presigned URLs are valid for at most 7 days. */
    static final long MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
    static final double DEFAULT_CACHE_SECONDS = 1;
    /** Table reads cached longer would hide new releases for that long. */
    static final double MAX_CACHE_SECONDS = 3600;

    public static LambdaConfiguration fromEnvironment(Map<String, String> env) {
        AwsSettings aws = new AwsSettings(
                env.get("AWS_REGION"),
                env.get("PYPUB_BUCKET"),
                env.get("PYPUB_PREFIX"),
                env.get("PYPUB_DOCS_BUCKET"),
                env.get("PYPUB_VERSION_TABLE"),
                env.get("PYPUB_ACCESS_TABLE"),
                uri(env, "PYPUB_S3_ENDPOINT"),
                uri(env, "PYPUB_DYNAMODB_ENDPOINT"));
        double presign = number(env, "PYPUB_PRESIGN_SECONDS", DEFAULT_PRESIGN_SECONDS);
        if (!(presign >= 1 && presign <= MAX_PRESIGN_SECONDS)) { // also refuses NaN
            throw new IllegalArgumentException("PYPUB_PRESIGN_SECONDS must be between 1 and " + MAX_PRESIGN_SECONDS + ", got " + presign);
        }
        double cache = number(env, "PYPUB_CACHE_SECONDS", DEFAULT_CACHE_SECONDS);
        if (!(cache >= 0 && cache <= MAX_CACHE_SECONDS)) {
            throw new IllegalArgumentException("PYPUB_CACHE_SECONDS must be between 0 and " + MAX_CACHE_SECONDS + ", got " + cache);
        }
        IndexSettings index = new IndexSettings(IndexSettings.DownloadMode.REDIRECT, Duration.ofSeconds((long) presign),
                Duration.ofMillis(Math.round(cache * 1000)), blankToNull(env.get("PYPUB_PUBLIC_URL")));
        return new LambdaConfiguration(aws, index);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static URI uri(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(value.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a URL such as https://s3.example.com, got '" + value + "'", e);
        }
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + value + "'", e);
        }
    }
}
