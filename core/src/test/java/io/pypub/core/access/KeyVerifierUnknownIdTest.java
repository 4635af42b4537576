package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2c (keys): an unknown key id is read once and then remembered apart from the keys;
 * a caller may forbid reads of ids not known here (the index does for an address that keeps
 * failing); and an unknown id costs what a wrong secret costs, so timing does not tell them apart.
 */
class KeyVerifierUnknownIdTest {

    private static String randomKey() {
        return ApiKeyToken.generate(new SecureRandom()).reveal();
    }

    @Test
    void anUnknownIdIsReadOnceAndIdsNotKnownHereAreNotReadWhenTheCallerForbidsIt() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            ApiKeyTable table = new ApiKeyTable(d.clients().dynamo(), d.settings().accessTable());
            IssuedKey issued = new ApiKeys(table, Clock.systemUTC())
                    .create(new KeyPolicy("unknown-test", Set.of("dev"), Set.of(), 100, 100, null, null, null), "test");
            String good = issued.token().reveal();
            KeyVerifier verifier = new KeyVerifier(table, Clock.systemUTC(), Duration.ofSeconds(30));
            assertThat(verifier.verify(good).ok()).isTrue();
            assertThat(verifier.reads()).isEqualTo(1);

            String unknown = randomKey();
            KeyVerifier.Result first = verifier.verify(unknown);
            assertThat(first.reason()).isEqualTo(KeyVerifier.Reason.UNKNOWN);
            assertThat(first.costly()).isTrue();
            for (int i = 0; i < 100; i++) {
                KeyVerifier.Result again = verifier.verify(unknown, i % 2 == 0);
                assertThat(again.reason()).isEqualTo(KeyVerifier.Reason.UNKNOWN);
                assertThat(again.costly()).isFalse();
            }
            assertThat(verifier.reads()).isEqualTo(2);

            // Reads forbidden: new ids are refused unread; the known key still verifies, its wrong secret still fails.
            for (int i = 0; i < 100; i++) {
                assertThat(verifier.verify(randomKey(), false).reason()).isEqualTo(KeyVerifier.Reason.THROTTLED);
            }
            assertThat(verifier.verify(good, false).ok()).isTrue();
            String wrong = "pypub_" + issued.key().keyId() + "_" + "a".repeat(52);
            assertThat(verifier.verify(wrong, false).reason()).isEqualTo(KeyVerifier.Reason.WRONG_SECRET);
            assertThat(verifier.reads()).isEqualTo(2);
        }
    }

    @Test
    void anUnknownIdAndAWrongSecretTakeTheSameTime() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            ApiKeyTable table = new ApiKeyTable(d.clients().dynamo(), d.settings().accessTable());
            IssuedKey issued = new ApiKeys(table, Clock.systemUTC())
                    .create(new KeyPolicy("timing-test", Set.of("dev"), Set.of(), 100, 100, null, null, null), "test");
            KeyVerifier verifier = new KeyVerifier(table, Clock.systemUTC(), Duration.ofMinutes(5));
            String wrong = "pypub_" + issued.key().keyId() + "_" + "a".repeat(52);
            String unknown = randomKey();
            int n = 20_000;
            long[] wrongNanos = new long[n];
            long[] unknownNanos = new long[n];
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT and the caches
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    verifier.verify(wrong);
                    long t1 = System.nanoTime();
                    verifier.verify(unknown);
                    long t2 = System.nanoTime();
                    wrongNanos[i] = t1 - t0;
                    unknownNanos[i] = t2 - t1;
                }
            }
            Arrays.sort(wrongNanos);
            Arrays.sort(unknownNanos);
            double ratio = (double) unknownNanos[n / 2] / wrongNanos[n / 2];
            System.out.printf("verify median: wrong secret %d ns, unknown id %d ns (ratio %.2f)%n", wrongNanos[n / 2],
                    unknownNanos[n / 2], ratio);
            assertThat(ratio).isBetween(0.5, 2.0);
            assertThat(verifier.reads()).isEqualTo(2);
        }
    }
}
