package io.pypub.server.config;

import static io.pypub.server.config.SettingsCatalogueTest.line;
import static io.pypub.server.config.SettingsCatalogueTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.config.Config;
import io.pypub.core.config.ConfigException;
import io.pypub.core.config.Profile;
import io.pypub.core.config.Settings;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.server.config.SettingsCatalogueTest.Run;
import io.pypub.server.lambda.LambdaConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's settings in issue 12's catalogue: the upstreams come from options, variables or a profile
 * like every other setting, the same on the command line and on Lambda, and credentials in an
 * upstream URL are a secret (never shown, never taken from argv).
 */
class UpstreamSettingsConfigTest {
    private static final String TOKEN = "t0ken-SECRET-4711";
    private static final String WITH_CREDENTIALS = "dev=https://ci-user:" + TOKEN + "@mirror.example/simple/";

    @Test
    void credentialsInAnUpstreamUrlAreMaskedInConfigShowAndItsErrors() {
        Run shown = run(Map.of("PYPUB_UPSTREAM", WITH_CREDENTIALS + ";prod=https://pypi.org/simple/"), "config", "show");
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(line(shown.out(), Settings.UPSTREAM)).contains("dev=https://***@mirror.example/simple/;prod=https://pypi.org/simple/")
                .contains("environment variable PYPUB_UPSTREAM");
        assertThat(shown.out() + shown.err()).doesNotContain(TOKEN).doesNotContain("ci-user");

        Run invalid = run(Map.of("PYPUB_UPSTREAM", "dev=ftp://ci-user:" + TOKEN + "@mirror.example/simple/"), "config", "show");
        assertThat(invalid.code()).isEqualTo(1);
        // The catalogue hides the credentials (***); the command line's output filter then hides even that ([redacted]).
        assertThat(invalid.err()).contains("Invalid upstream 'dev=ftp://").contains("@mirror.example/simple/' (from environment variable "
                + "PYPUB_UPSTREAM): an upstream must be an http(s) URL");
        assertThat(invalid.out() + invalid.err()).doesNotContain(TOKEN).doesNotContain("ci-user");
        assertThatThrownBy(() -> Settings.UPSTREAM.parse("dev=ftp://ci-user:" + TOKEN + "@mirror.example/simple/",
                io.pypub.core.config.Origin.profile("corp", "config.toml")))
                .hasMessageStartingWith("Invalid upstream 'dev=ftp://***@mirror.example/simple/' (from profile 'corp' in config.toml)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    @Test
    void credentialsAreRefusedOnTheCommandLineWhereEveryLocalUserSeesThem() {
        Run refused = run(Map.of(), "config", "show", "--upstream", WITH_CREDENTIALS);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("credentials in a URL are a secret").contains("set PYPUB_UPSTREAM or a profile");
        assertThat(refused.out() + refused.err()).doesNotContain(TOKEN);
    }

    @Test
    void theOptionRepeatsAndAProfileListsEntriesBothAsTheVariableHoldsThem() throws Exception {
        Run repeated = run(Map.of(), "config", "show", "--upstream", "dev=https://pypi.org/simple/", "--upstream",
                "dev=https://mirror.example/simple/", "--upstream-mode", "cache", "--upstream-mode", "prod=redirect");
        assertThat(repeated.code()).as(repeated.err()).isZero();
        assertThat(line(repeated.out(), Settings.UPSTREAM)).contains("dev=https://pypi.org/simple/;dev=https://mirror.example/simple/")
                .contains("option --upstream");
        assertThat(line(repeated.out(), Settings.UPSTREAM_MODE)).contains("cache;prod=redirect");

        Path file = TestEnvironment.tempDir("upstream-profile").resolve("config.toml");
        Files.writeString(file, """
                [profiles.corp]
                bucket = "acme-packages"
                upstream = ["dev=https://ci-user:%s@mirror.example/simple/", "prod=https://pypi.org/simple/"]
                private-names = ["dev=acme-*,internal-*", "corp-*"]
                upstream-page-seconds = 120
                """.formatted(TOKEN));
        Map<String, String> env = Map.of("PYPUB_CONFIG", file.toString());
        Run fromProfile = run(env, "config", "show", "--profile", "corp");
        assertThat(fromProfile.code()).as(fromProfile.err()).isZero();
        assertThat(line(fromProfile.out(), Settings.UPSTREAM)).contains("dev=https://***@mirror.example/simple/;prod=https://pypi.org/simple/")
                .contains("profile 'corp' in " + file);
        assertThat(line(fromProfile.out(), Settings.PRIVATE_NAMES)).contains("dev=acme-*,internal-*;corp-*");
        assertThat(line(fromProfile.out(), Settings.UPSTREAM_PAGE_SECONDS)).contains("120").contains("profile 'corp'");
        assertThat(fromProfile.out() + fromProfile.err()).doesNotContain(TOKEN);
        // What `serve` and `publish` build from the same resolution.
        UpstreamSettings built = UpstreamSettings.from(Config.resolve(Map.of(), env, Profile.select("corp", env)));
        assertThat(built.forStage(Stage.of("dev")).orElseThrow().urls()).singleElement()
                .satisfies(u -> assertThat(u.hasCredentials()).isTrue())
                .satisfies(u -> assertThat(u.base().toString()).isEqualTo("https://mirror.example/simple/"));
        assertThat(built.matchesPrivatePattern(Stage.of("prod"), "corp-tools")).isTrue();
        assertThat(built.pageTtl().toSeconds()).isEqualTo(120);
    }

    @Test
    void lambdaBuildsTheSameUpstreamsFromTheSameVariables() {
        LambdaConfiguration lambda = LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "acme-packages",
                "PYPUB_UPSTREAM", WITH_CREDENTIALS + ";prod=https://pypi.org/simple/", "PYPUB_UPSTREAM_MODE", "cache;prod=redirect",
                "PYPUB_PRIVATE_NAMES", "dev=Acme_*", "PYPUB_UPSTREAM_TIMEOUT_SECONDS", "2"));
        UpstreamSettings upstreams = lambda.upstreams();
        assertThat(upstreams.forStage(Stage.of("dev")).orElseThrow().mode()).isEqualTo(UpstreamSettings.Mode.CACHE);
        assertThat(upstreams.forStage(Stage.of("prod")).orElseThrow().mode()).isEqualTo(UpstreamSettings.Mode.REDIRECT);
        assertThat(upstreams.matchesPrivatePattern(Stage.of("dev"), "acme.utils")).isTrue();
        assertThat(upstreams.timeout().toMillis()).isEqualTo(2000);
        assertThat(upstreams.describe().toString()).contains("https://***@mirror.example/simple/").doesNotContain(TOKEN);
        assertThat(lambda.toString()).doesNotContain(TOKEN);
    }

    @Test
    void redirectModeWithCredentialsIsOneClearErrorBeforeServeListensOrLambdaStarts() {
        Map<String, String> env = Map.of("PYPUB_BUCKET", "acme-packages", "PYPUB_UPSTREAM", WITH_CREDENTIALS, "PYPUB_UPSTREAM_MODE", "redirect");
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("redirect mode would hand the upstream's credentials to every client")
                .hasMessageContaining("the upstream-mode setting (--upstream-mode, PYPUB_UPSTREAM_MODE)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        Run serve = run(env, "serve", "--port", "0");
        assertThat(serve.code()).isEqualTo(1);
        assertThat(serve.err()).contains("redirect mode would hand the upstream's credentials").doesNotContain(TOKEN);
        assertThat(serve.err()).doesNotContain("Serving the index");
    }

    @Test
    void theSessionSecretIsASecretOfTheCatalogue() {
        String secret = "0123456789abcdef0123456789abcdef-SESSION";
        Run shown = run(Map.of("PYPUB_SESSION_SECRET", secret), "config", "show");
        assertThat(line(shown.out(), Settings.SESSION_SECRET)).contains("******** (set)").contains("environment variable PYPUB_SESSION_SECRET");
        assertThat(shown.out() + shown.err()).doesNotContain(secret);
        LambdaConfiguration lambda = LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "acme-packages", "PYPUB_SESSION_SECRET", secret));
        assertThat(lambda.access().sessionSecret()).isEqualTo(secret);
        assertThat(lambda.toString()).doesNotContain(secret);
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "acme-packages", "PYPUB_SESSION_SECRET", "short")))
                .hasMessage("Invalid session-secret (from environment variable PYPUB_SESSION_SECRET): expected at least 32 characters");
    }
}
