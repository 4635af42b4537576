package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The audit line's time is exactly what {@link Instant#toString()} writes, which `pypub audit` and log tools parse. */
class InstantTextDifferentialTest {
    @Test
    void sameTextAsInstantToStringForEveryPrecision() {
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < 100_000; i++) {
            // Mostly nearby seconds (the cached case), sometimes any second from year -9999 to 99999.
            long second = i % 10 == 0 ? random.nextLong(-377_705_116_800L, 3_093_527_980_800L)
                    : 1_795_824_000L + random.nextLong(0, 5);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(second, nano);
            assertThat(InstantText.of(t)).as("%s %s", second, nano).isEqualTo(t.toString());
        }
        Instant now = Instant.now();
        assertThat(InstantText.of(now)).isEqualTo(now.toString());
    }
}
