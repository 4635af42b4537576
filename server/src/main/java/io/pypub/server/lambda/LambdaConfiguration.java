package io.pypub.server.lambda;

import io.pypub.core.config.Config;
import io.pypub.core.config.Front;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.server.access.AccessSettings;
import io.pypub.server.index.IndexSettings;
import java.util.List;
import java.util.Map;

/**
 * The function's configuration: core's settings that the catalogue marks as read by Lambda
 * ({@link Settings#readBy(Front)}), from the same environment variables as {@code pypub serve}, with
 * the same defaults and rules. Downloads are always presigned redirects: a Lambda response carries
 * at most 6 MB and every byte through the function is billed time, while S3 serves the file directly.
 */
public record LambdaConfiguration(AwsSettings aws, IndexSettings index, AccessSettings access, UpstreamSettings upstreams) {

    /** The settings the function reads; every other one is ignored there (the catalogue says why for each). */
    public static List<Setting<?>> settings() {
        return Settings.readBy(Front.LAMBDA);
    }

    public static LambdaConfiguration fromEnvironment(Map<String, String> env) {
        Config config = Config.fromEnvironment(env);
        AwsSettings aws = AwsSettings.from(config);
        // Checked here, in the init phase, so a bad variable fails the deployment rather than a request.
        IndexSettings index = IndexSettings.from(config, IndexSettings.DownloadMode.REDIRECT);
        AccessSettings access = AccessSettings.from(config, false);
        return new LambdaConfiguration(aws, index, access, UpstreamSettings.from(config));
    }
}
