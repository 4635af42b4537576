package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scopes (download, publish) and project patterns of a key. */
class KeyScopesTest {

    private static KeyPolicy policy(Set<String> projects, Set<String> scopes) {
        return new KeyPolicy("ci", Set.of("dev"), projects, 10, 10, null, null, null, scopes);
    }

    @Test
    void aKeyWithoutScopesDownloadsOnly() {
        KeyPolicy old = new KeyPolicy("ci", Set.of("dev"), Set.of(), 10, 10, null, null, null);
        assertThat(old.scopes()).containsExactly(KeyPolicy.DOWNLOAD);
        assertThat(old.allows(KeyPolicy.PUBLISH)).isFalse();
        assertThat(policy(Set.of(), null).scopes()).containsExactly(KeyPolicy.DOWNLOAD);
        assertThat(policy(Set.of(), Set.of()).scopes()).containsExactly(KeyPolicy.DOWNLOAD);
    }

    @Test
    void scopesAreDownloadPublishOrBoth() {
        KeyPolicy both = policy(Set.of(), Set.of(" Publish", "download"));
        assertThat(both.allows(KeyPolicy.PUBLISH)).isTrue();
        assertThat(both.allows(KeyPolicy.DOWNLOAD)).isTrue();
        KeyPolicy publish = policy(Set.of(), Set.of("publish"));
        assertThat(publish.allows(KeyPolicy.DOWNLOAD)).isFalse();
        assertThatThrownBy(() -> policy(Set.of(), Set.of("admin"))).isInstanceOf(AccessException.class).hasMessageContaining("admin");
    }

    @Test
    void projectPatternsMatchNormalizedNames() {
        KeyPolicy acme = policy(Set.of("Acme_*", "tools"), Set.of("publish"));
        assertThat(acme.projects()).containsExactlyInAnyOrder("acme-*", "tools");
        assertThat(acme.allowsProject("acme-utils")).isTrue();
        assertThat(acme.allowsProject("acme-")).isTrue();
        assertThat(acme.allowsProject("tools")).isTrue();
        assertThat(acme.allowsProject("acme")).isFalse();
        assertThat(acme.allowsProject("not-acme-utils")).isFalse();
        assertThat(policy(Set.of("*-internal"), null).allowsProject("billing-internal")).isTrue();
        assertThatThrownBy(() -> policy(Set.of("acme/*"), null)).isInstanceOf(AccessException.class);
    }
}
