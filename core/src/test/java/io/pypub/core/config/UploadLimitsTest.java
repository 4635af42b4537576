package io.pypub.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.Stage;
import org.junit.jupiter.api.Test;

/** The upload-max-bytes setting: one size, or a default with per-stage sizes; one clear error otherwise. */
class UploadLimitsTest {

    @Test
    void oneSizeAppliesToEveryStage() {
        UploadLimits l = UploadLimits.parse("250MB");
        assertThat(l.forStage(Stage.of("dev"))).isEqualTo(250_000_000L);
        assertThat(l.forStage(Stage.of("prod"))).isEqualTo(250_000_000L);
        assertThat(UploadLimits.parse("1048576").forStage(Stage.of("dev"))).isEqualTo(1_048_576L);
        assertThat(UploadLimits.parse("2 GiB").forStage(Stage.of("dev"))).isEqualTo(2L << 30);
    }

    @Test
    void stagesOverrideTheDefaultWhichIs100MbWhenNotGiven() {
        UploadLimits l = UploadLimits.parse("100MB,dev=200MB, prod=50mb");
        assertThat(l.forStage(Stage.of("dev"))).isEqualTo(200_000_000L);
        assertThat(l.forStage(Stage.of("prod"))).isEqualTo(50_000_000L);
        assertThat(l.forStage(Stage.of("test"))).isEqualTo(100_000_000L);
        assertThat(UploadLimits.parse("prod=1GB").forStage(Stage.of("dev"))).isEqualTo(UploadLimits.DEFAULT_BYTES);
        assertThat(Settings.UPLOAD_MAX_BYTES.parse("100MB", Origin.DEFAULT).forStage(Stage.of("x"))).isEqualTo(100_000_000L);
    }

    @Test
    void malformedValuesNameTheSettingAndTheRule() {
        for (String bad : new String[] {"", "lots", "100 parsecs", "0", "100MB,200MB", "dev=1MB,dev=2MB", "Prod!=1MB", "2TB"}) {
            assertThatThrownBy(() -> Settings.UPLOAD_MAX_BYTES.parse(bad, Origin.DEFAULT)).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("Invalid upload-max-bytes")
                    .hasMessageContaining("100MB,dev=200MB,prod=50MB");
        }
    }
}
