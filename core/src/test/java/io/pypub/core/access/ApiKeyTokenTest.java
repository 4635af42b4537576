package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void keysHaveAPublicIdAnd256BitSecretAndParseBack() {
        ApiKeyToken t = ApiKeyToken.generate(random);
        String key = t.reveal();
        assertThat(key).matches("pypub_[a-z2-7]{10}_[a-z2-7]{52}");
        assertThat(ApiKeyToken.parse(key)).hasValueSatisfying(p -> assertThat(p.keyId()).isEqualTo(t.keyId()));
        assertThat(t.toString()).isEqualTo("pypub_" + t.keyId() + "_[redacted]").doesNotContain(t.secret());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(ApiKeyToken.generate(random).keyId());
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void anythingElseIsNotAKey() {
        String key = ApiKeyToken.generate(random).reveal();
        for (String bad : new String[] {null, "", "pypub_", key + "a", key.substring(1), key.toUpperCase(), key.replace('_', '-'),
                key.substring(0, key.length() - 1) + "\u0000", "pypub_aaaaaaaaaa_' OR 1=1 --",
                key.substring(0, 10) + "8" + key.substring(11), key.substring(0, 30) + "1" + key.substring(31),
                key.substring(0, 16) + "a" + key.substring(17)}) {
            assertThat(ApiKeyToken.parse(bad)).as(String.valueOf(bad)).isEmpty();
        }
    }

    @Test
    void hashesVerifyOnlyTheirOwnSecret() {
        ApiKeyToken t = ApiKeyToken.generate(random);
        String stored = SecretHash.of(t);
        assertThat(stored).startsWith("sha256:").doesNotContain(t.secret());
        assertThat(SecretHash.matches(stored, t)).isTrue();
        assertThat(SecretHash.matches(stored, ApiKeyToken.newSecretFor(t.keyId(), random))).isFalse();
        assertThat(SecretHash.matches("sha256:zz", t)).isFalse();
        assertThat(SecretHash.matches(null, t)).isFalse();
    }

    @Test
    void redactionKeepsTheKeyIdAndDropsTheSecretAlsoInNormalizedForm() {
        ApiKeyToken t = ApiKeyToken.generate(random);
        String id = t.keyId();
        assertThat(ApiKeyToken.redact("GET /dev/simple/?key=" + t.reveal() + "&x=1"))
                .isEqualTo("GET /dev/simple/?key=pypub_" + id + "_[redacted]&x=1");
        assertThat(ApiKeyToken.redact("project pypub-" + id + "-" + t.secret())).isEqualTo("project pypub_" + id + "_[redacted]");
        assertThat(ApiKeyToken.redact("x PyPuB." + id.toUpperCase(java.util.Locale.ROOT) + "." + t.secret()))
                .isEqualTo("x pypub_" + id.toUpperCase(java.util.Locale.ROOT) + "_[redacted]");
        assertThat(ApiKeyToken.redact("/dev/simple/benchpkg/")).isEqualTo("/dev/simple/benchpkg/");
    }
}
