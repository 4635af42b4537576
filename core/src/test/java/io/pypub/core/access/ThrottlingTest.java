package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets and the failed-login throttle on a hand-driven clock. */
class ThrottlingTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private static ApiKey key(double rate, int burst) {
        return new ApiKey("abcdefghij", new KeyPolicy("c", Set.of("dev"), Set.of(), rate, burst, null, null, null), "sha256:00",
                Instant.EPOCH, "t", null, null);
    }

    @Test
    void aBucketAllowsTheBurstThenTheRateAndSaysHowLongToWait() {
        RateLimiter limiter = new RateLimiter(nanos::get);
        ApiKey k = key(2, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.retryAfterSeconds(k)).isZero();
        }
        assertThat(limiter.retryAfterSeconds(k)).isEqualTo(1); // 0.5 s to the next token, rounded up to whole seconds
        nanos.addAndGet(500_000_000L);
        assertThat(limiter.retryAfterSeconds(k)).isZero();
        assertThat(limiter.retryAfterSeconds(k)).isEqualTo(1);
        nanos.addAndGet(10_000_000_000L); // refills to the burst, no more
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.retryAfterSeconds(k)).isZero();
        }
        assertThat(limiter.retryAfterSeconds(k)).isPositive();
        assertThat(limiter.retryAfterSeconds(key(0, 0))).as("rate 0 means unlimited").isZero();
    }

    @Test
    void slowRatesGiveLongerRetryAfter() {
        RateLimiter limiter = new RateLimiter(nanos::get);
        ApiKey k = key(0.1, 1);
        assertThat(limiter.retryAfterSeconds(k)).isZero();
        assertThat(limiter.retryAfterSeconds(k)).isEqualTo(10);
    }

    @Test
    void failedLoginsFromOneAddressAreSlowedDownForTheRestOfTheWindow() {
        FailedAuthThrottle t = new FailedAuthThrottle(3, Duration.ofSeconds(60), nanos::get);
        for (int i = 0; i < 3; i++) {
            assertThat(t.retryAfterSeconds("192.0.2.1")).isZero();
            t.recordFailure("192.0.2.1");
        }
        assertThat(t.retryAfterSeconds("192.0.2.1")).isEqualTo(60);
        assertThat(t.retryAfterSeconds("192.0.2.2")).as("other addresses are not affected").isZero();
        nanos.addAndGet(Duration.ofSeconds(45).toNanos());
        assertThat(t.retryAfterSeconds("192.0.2.1")).isEqualTo(15);
        nanos.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(t.retryAfterSeconds("192.0.2.1")).isZero();
    }

    @Test
    void policiesRefuseNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyPolicy(" ", Set.of("dev"), Set.of(), 1, 1, null, null, null))
                .hasMessageContaining("Client name");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyPolicy("c", Set.of(), Set.of(), 1, 1, null, null, null))
                .hasMessageContaining("at least one stage");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyPolicy("c", Set.of("Prod!"), Set.of(), 1, 1, null, null, null))
                .hasMessageContaining("Invalid stage");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyPolicy("c", Set.of("dev"), Set.of(), 1, 1, 0L, null, null))
                .hasMessageContaining("quotas must be positive");
        assertThat(new KeyPolicy("c", Set.of("dev"), Set.of("Hello_Package"), 1, 1, null, null, null).projects())
                .containsExactly("hello-package");
    }
}
