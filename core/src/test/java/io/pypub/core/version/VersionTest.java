package io.pypub.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the differential test cannot show: Java-only contracts and where we are stricter than packaging. */
class VersionTest {
    @Test
    void equalVersionsShareOneNormalizedFormAndHash() {
        // One release must map to one storage key, however its author spelled the version.
        Version a = Version.parse("1.0+Ubuntu-01");
        Version b = Version.parse("1.0.0+ubuntu.1");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.normalized()).isEqualTo("1.0+ubuntu.1");
    }

    @Test
    void rejectsNonAsciiThatPythonWouldCaseFold() {
        // packaging accepts these (dotless i, long s, Kelvin sign); we keep versions ASCII.
        assertThat(Version.isValid("1.0+\u0131")).isFalse();
        assertThat(Version.isValid("1.0.po\u017ft1")).isFalse();
        assertThat(Version.isValid("1.0+\u212a")).isFalse();
    }

    @Test
    void rejectsWhitespaceOnlyPythonCountsAsSuch() {
        // Python's \s includes ASCII separators and Unicode spaces; ours is the ASCII set only.
        assertThat(Version.isValid("\u001c1.0")).isFalse();
        assertThat(Version.isValid("1.0\u00a0")).isFalse();
        assertThat(Version.isValid(" \t1.0\r\n")).isTrue();
    }

    @Test
    void rejectsOverlongInputWithAReadableMessage() {
        String longVersion = "1" + ".0".repeat(64); // 129 characters, valid PEP 440 otherwise
        assertThat(Version.isValid(longVersion)).isFalse();
        assertThatThrownBy(() -> Version.parse(longVersion))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long");
    }

    @Test
    void errorMessageDoesNotEchoControlCharacters() {
        // The message ends up in Jenkins logs and HTTP responses.
        assertThatThrownBy(() -> Version.parse("1.0\u001b[31mred"))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("\u001b")
                .contains("not a PEP 440 version");
    }
}
