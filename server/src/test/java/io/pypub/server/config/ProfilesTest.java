package io.pypub.server.config;

import static io.pypub.server.config.SettingsCatalogueTest.line;
import static io.pypub.server.config.SettingsCatalogueTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.config.Profile;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.EmbeddedBackends;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.config.SettingsCatalogueTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 12, profiles: settings from a named profile of the configuration file, below options and the environment. */
class ProfilesTest {

    @Test
    void anOptionBeatsTheEnvironmentWhichBeatsTheProfileWhichBeatsTheDefault() throws Exception {
        Path file = TestEnvironment.tempDir("profiles").resolve("config.toml");
        Files.writeString(file, """
                # my deployments
                [profiles.prod]
                bucket = "from-profile"
                region = "eu-west-1"
                port = 9000
                trusted-proxy = ["10.0.0.0/8", "192.168.0.1"]

                [profiles.dev]
                bucket = "dev-packages"
                """);
        Map<String, String> env = Map.of("PYPUB_CONFIG", file.toString(), "PYPUB_BUCKET", "from-env");

        Run option = run(env, "config", "show", "--profile", "prod", "--bucket", "from-option");
        assertThat(option.code()).as(option.err()).isZero();
        assertThat(line(option.out(), Settings.BUCKET)).contains("from-option").contains("option --bucket");
        assertThat(option.out()).contains("profile: prod");

        Run environment = run(env, "config", "show", "--profile", "prod");
        assertThat(line(environment.out(), Settings.BUCKET)).contains("from-env").contains("environment variable PYPUB_BUCKET");
        assertThat(line(environment.out(), Settings.REGION)).contains("eu-west-1").contains("profile 'prod' in " + file);
        assertThat(line(environment.out(), Settings.PORT)).contains("9000").contains("profile 'prod'");
        assertThat(line(environment.out(), Settings.TRUSTED_PROXIES)).contains("10.0.0.0/8,192.168.0.1");
        assertThat(line(environment.out(), Settings.VERSION_TABLE)).contains("pypub-versions").contains("default");

        // PYPUB_PROFILE names the profile as --profile does; --profile wins over it.
        Run byVariable = run(Map.of("PYPUB_CONFIG", file.toString(), "PYPUB_PROFILE", "prod"), "config", "show");
        assertThat(line(byVariable.out(), Settings.BUCKET)).contains("from-profile").contains("profile 'prod'");
        Run both = run(Map.of("PYPUB_CONFIG", file.toString(), "PYPUB_PROFILE", "prod"), "config", "show", "--profile", "dev");
        assertThat(line(both.out(), Settings.BUCKET)).contains("dev-packages");

        // Without a profile named, the file changes nothing.
        Run none = run(Map.of("PYPUB_CONFIG", file.toString()), "config", "show");
        assertThat(line(none.out(), Settings.BUCKET)).contains("(not set)");
        assertThat(none.out()).contains("profile: none");
    }

    @Test
    void aCommandRunsAgainstTheDeploymentItsProfileNames() throws Exception {
        TestEnvironment env = TestEnvironment.get();
        try (Deployment d = env.newDeployment()) {
            Path file = TestEnvironment.tempDir("profiles").resolve("pypub/config.toml");
            Map<Setting<?>, String> values = new LinkedHashMap<>();
            values.put(Settings.BUCKET, d.settings().bucket());
            values.put(Settings.VERSION_TABLE, d.settings().versionTable());
            values.put(Settings.ACCESS_TABLE, d.settings().accessTable());
            values.put(Settings.S3_ENDPOINT, d.settings().s3Endpoint().toString());
            values.put(Settings.DYNAMODB_ENDPOINT, d.settings().dynamoEndpoint().toString());
            values.put(Settings.AWS_ACCESS_KEY_ID, EmbeddedBackends.credentials().resolveCredentials().accessKeyId());
            values.put(Settings.AWS_SECRET_ACCESS_KEY, EmbeddedBackends.credentials().resolveCredentials().secretAccessKey());
            Profile.write(file, "local", values, null);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            // No AWS variables, no system properties: the profile alone points the command at the deployment.
            Run created = run(Map.of("PYPUB_CONFIG", file.toString()), "keys", "create", "--client", "me", "--stages", "dev",
                    "--profile", "local");
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out().strip()).startsWith("pypub_");
            Run listed = run(Map.of("PYPUB_CONFIG", file.toString(), "PYPUB_PROFILE", "local"), "keys", "list");
            assertThat(listed.code()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("me");

            // config show masks the secret it read from the profile.
            Run shown = run(Map.of("PYPUB_CONFIG", file.toString()), "config", "show", "--profile", "local");
            assertThat(line(shown.out(), Settings.AWS_SECRET_ACCESS_KEY)).contains("******** (set)");
            assertThat(shown.out()).doesNotContain(EmbeddedBackends.credentials().resolveCredentials().secretAccessKey());
        }
    }

    @Test
    void aBadProfileIsOneClearErrorAndNothingRuns() throws Exception {
        Path dir = TestEnvironment.tempDir("profiles");
        Path file = dir.resolve("config.toml");
        Files.writeString(file, "[profiles.prod]\nbucket = \"acme-packages\"\nport = \"many\"\n");
        Map<String, String> env = Map.of("PYPUB_CONFIG", file.toString());

        assertOneError(run(env, "keys", "list", "--profile", "staging"), "error: No profile 'staging' (--profile staging) in "
                + file + "; it has prod");
        assertOneError(run(Map.of("PYPUB_CONFIG", file.toString(), "PYPUB_PROFILE", "staging"), "keys", "list"),
                "error: No profile 'staging' (PYPUB_PROFILE=staging)");
        assertOneError(run(env, "serve", "--profile", "prod"), "error: Invalid port 'many' (from profile 'prod' in " + file
                + "): expected a whole number from 0 to 65535");
        assertOneError(run(Map.of("PYPUB_CONFIG", dir.resolve("missing.toml").toString()), "keys", "list", "--profile", "prod"),
                "error: Profile 'prod' (--profile prod) needs the configuration file " + dir.resolve("missing.toml") + ", which does not exist");

        Files.writeString(file, "[profiles.prod]\nbuckt = \"acme-packages\"\n");
        assertOneError(run(env, "keys", "list", "--profile", "prod"), "error: Unknown setting 'buckt' in profile 'prod' of " + file);
        Files.writeString(file, "[profiles.prod\nbucket = 1\n");
        assertOneError(run(env, "keys", "list", "--profile", "prod"), "error: Cannot read the configuration file " + file);
        Files.writeString(file, "bucket = \"acme\"\n");
        assertOneError(run(env, "keys", "list", "--profile", "prod"), "error: Unknown table or key 'bucket' in " + file);

        // A secret in a file other users can read is refused, without showing it.
        Files.writeString(file, "[profiles.prod]\nbucket = \"acme-packages\"\nslack-token = \"xoxb-SECRET\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Run leaky = run(env, "config", "show", "--profile", "prod");
        assertOneError(leaky, "error: Profile 'prod' in " + file + " holds a secret but the file can be read by other users: chmod 600");
        assertThat(leaky.out() + leaky.err()).doesNotContain("xoxb-SECRET");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Run masked = run(env, "config", "show", "--profile", "prod");
        assertThat(masked.code()).as(masked.err()).isZero();
        assertThat(line(masked.out(), Settings.SLACK_TOKEN)).contains("******** (set)").doesNotContain("xoxb");
    }

    @Test
    void writingAProfileReplacesOnlyThatProfile() throws Exception {
        Path file = TestEnvironment.tempDir("profiles").resolve("config.toml");
        Files.writeString(file, """
                # keep this comment
                [profiles.prod]
                bucket = "acme-packages" # and this one

                [profiles.demo]
                bucket = "old-demo"
                port = 1
                """);
        Profile.write(file, "demo", Map.of(Settings.BUCKET, "pypub-packages", Settings.INDEX_URL, "http://127.0.0.1:8080"), "by a test");
        Profile.write(file, "demo", Map.of(Settings.BUCKET, "pypub-packages", Settings.INDEX_URL, "http://127.0.0.1:8081"), "by a test");
        String text = Files.readString(file);
        assertThat(text).contains("# keep this comment").contains("bucket = \"acme-packages\" # and this one")
                .doesNotContain("old-demo").doesNotContain("port = 1").doesNotContain("8080").contains("8081");
        assertThat(text.split("\\[profiles.demo]", -1)).hasSize(2);
        Map<String, Map<Setting<?>, String>> read = Profile.read(file);
        assertThat(read.get("prod")).containsEntry(Settings.BUCKET, "acme-packages");
        assertThat(read.get("demo")).containsEntry(Settings.INDEX_URL, "http://127.0.0.1:8081");
    }

    private static void assertOneError(Run run, String start) {
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip().lines()).singleElement().asString().startsWith(start);
        assertThat(run.err()).doesNotContain("\tat ");
    }
}
