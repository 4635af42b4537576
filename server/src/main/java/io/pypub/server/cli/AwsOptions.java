package io.pypub.server.cli;

import io.pypub.core.config.Config;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where the deployment lives: the options of core's {@code DEPLOYMENT} settings (bucket, tables,
 * region, endpoints), made by {@link CliSettings} from the catalogue, with their environment
 * variables and profile keys.
 */
@Command // a mixin without annotated options; CliSettings adds them from the catalogue
public final class AwsOptions implements CliSettings.Uses {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Override
    public List<Setting<?>> settings() {
        return Settings.group(Setting.Group.DEPLOYMENT);
    }

    Config config() {
        return CliSettings.config(spec);
    }

    /** The bucket, if one is configured (without checking the rest). */
    String bucket() {
        return config().get(Settings.BUCKET);
    }

    /**
     * Clients with the profile's static keys if it has them (the demo's embedded servers, an
     * S3-compatible store), else credentials from the AWS default chain (env, ~/.aws, instance or task role).
     */
    public AwsClients clients() {
        Config config = config();
        return clients(config);
    }

    static AwsClients clients(Config config) {
        String keyId = config.get(Settings.AWS_ACCESS_KEY_ID);
        String secret = config.get(Settings.AWS_SECRET_ACCESS_KEY);
        if ((keyId == null) != (secret == null)) {
            throw new io.pypub.core.config.ConfigException("Set both " + Settings.AWS_ACCESS_KEY_ID.describe() + " and "
                    + Settings.AWS_SECRET_ACCESS_KEY.describe() + ", or neither (then the AWS default chain applies)");
        }
        return new AwsClients(AwsSettings.from(config),
                keyId == null ? null : StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)));
    }
}
