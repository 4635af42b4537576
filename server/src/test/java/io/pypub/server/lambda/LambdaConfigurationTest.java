package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's settings from its environment variables. */
class LambdaConfigurationTest {
    @Test
    void everyVariableIsRead() {
        LambdaConfiguration c = LambdaConfiguration.fromEnvironment(Map.of(
                "PYPUB_BUCKET", "acme-packages",
                "PYPUB_PREFIX", "python/",
                "PYPUB_DOCS_BUCKET", "acme-docs",
                "PYPUB_VERSION_TABLE", "acme-versions",
                "PYPUB_ACCESS_TABLE", "acme-access",
                "AWS_REGION", "eu-west-1",
                "PYPUB_S3_ENDPOINT", "http://127.0.0.1:9000",
                "PYPUB_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000",
                "PYPUB_PRESIGN_SECONDS", "120",
                "PYPUB_CACHE_SECONDS", "0.5"));
        assertThat(c.aws().bucket()).isEqualTo("acme-packages");
        assertThat(c.aws().prefix()).isEqualTo("python/");
        assertThat(c.aws().effectiveDocsBucket()).isEqualTo("acme-docs");
        assertThat(c.aws().versionTable()).isEqualTo("acme-versions");
        assertThat(c.aws().accessTable()).isEqualTo("acme-access");
        assertThat(c.aws().region()).isEqualTo("eu-west-1");
        assertThat(c.aws().s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(c.aws().dynamoEndpoint()).isEqualTo(URI.create("http://127.0.0.1:8000"));
        assertThat(c.index().presignTtl()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.index().cacheTtl()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void defaultsServeDownloadsByPresignedRedirect() {
        LambdaConfiguration c = LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "bkt", "AWS_REGION", "us-west-2"));
        assertThat(c.index().downloadMode()).isEqualTo(IndexSettings.DownloadMode.REDIRECT);
        assertThat(c.index().presignTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.index().cacheTtl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.aws().versionTable()).isEqualTo("pypub-versions");
        assertThat(c.aws().accessTable()).isEqualTo("pypub-access");
        assertThat(c.aws().s3Endpoint()).isNull();
        assertThat(c.aws().prefix()).isEmpty();
    }

    @Test
    void badSettingsNameTheVariable() {
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of())).hasMessageContaining("PYPUB_BUCKET");
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "bkt", "PYPUB_PRESIGN_SECONDS", "ten")))
                .hasMessageContaining("PYPUB_PRESIGN_SECONDS");
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "bkt", "PYPUB_PRESIGN_SECONDS", "999999999")))
                .hasMessageContaining("PYPUB_PRESIGN_SECONDS");
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "bkt", "PYPUB_CACHE_SECONDS", "NaN")))
                .hasMessageContaining("PYPUB_CACHE_SECONDS");
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "bkt", "PYPUB_S3_ENDPOINT", "localhost:9000")))
                .hasMessageContaining("PYPUB_S3_ENDPOINT");
    }
}
