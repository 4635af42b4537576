package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The verifier skips re-hashing a secret it has just matched, but never lets another secret, or a rotated-out one, through. */
class KeyVerifierSecretTest {

    @Test
    void onlyTheRightSecretPassesBeforeAndAfterItWasMatchedAndRotationEndsIt() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            ApiKeyTable table = new ApiKeyTable(d.clients().dynamo(), d.settings().accessTable());
            ApiKeys keys = new ApiKeys(table, Clock.systemUTC());
            IssuedKey issued = keys.create(new KeyPolicy("secret-test", Set.of("dev"), Set.of(), 100, 100, null, null, null), "test");
            String good = issued.token().reveal();
            String id = issued.key().keyId();
            String wrong = "pypub_" + id + "_" + "a".repeat(52);
            Duration ttl = Duration.ofMillis(300);
            KeyVerifier verifier = new KeyVerifier(table, Clock.systemUTC(), ttl);

            assertThat(verifier.verify(wrong).reason()).isEqualTo(KeyVerifier.Reason.WRONG_SECRET);
            assertThat(verifier.verify(good).ok()).isTrue();
            assertThat(verifier.verify(good).ok()).isTrue(); // the remembered match
            assertThat(verifier.verify(wrong).reason()).isEqualTo(KeyVerifier.Reason.WRONG_SECRET);
            String almost = good.substring(0, good.length() - 1) + (good.endsWith("a") ? "b" : "a");
            assertThat(verifier.verify(almost).reason()).isEqualTo(KeyVerifier.Reason.WRONG_SECRET);
            assertThat(verifier.verify(good).ok()).isTrue();

            String rotated = keys.rotate(id).token().reveal();
            Thread.sleep(ttl.toMillis() * 2 + 100); // past the cache interval: the new record is read
            verifier.verify(rotated);
            assertThat(verifier.verify(good).reason()).isEqualTo(KeyVerifier.Reason.WRONG_SECRET);
            assertThat(verifier.verify(rotated).ok()).isTrue();
        }
    }
}
