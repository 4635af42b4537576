package io.pypub.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectNameTest {
    @ParameterizedTest
    @CsvSource({
        "Foo.Bar_baz, foo-bar-baz",
        "my_pkg, my-pkg",
        "My-Pkg, my-pkg",
        "a__b--c..d, a-b-c-d", // runs of separators collapse to one '-' (PEP 503)
        "a._-b, a-b",
        "X, x",
        "pkg2, pkg2",
    })
    void normalizesPerPep503AndKeepsTheDisplayName(String name, String normalized) {
        ProjectName p = ProjectName.of(name);
        assertThat(p.normalized()).isEqualTo(normalized);
        assertThat(p.display()).isEqualTo(name); // shown in the index as the author wrote it
    }

    @Test
    void spellingsOfOneProjectAreTheSameProject() {
        // pip asks for whatever the user typed; all spellings must find the same releases.
        assertThat(ProjectName.of("My_Package")).isEqualTo(ProjectName.of("my.package"))
                .hasSameHashCodeAs(ProjectName.of("MY-PACKAGE"));
        assertThat(ProjectName.of("mypackage")).isNotEqualTo(ProjectName.of("my-package"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "../x", "..", ".", "a/b", "a\\b", "/abs", "-pkg", "pkg-", "_pkg", "pkg.", "a b", "pkg\n", "\npkg",
        "pk\u0000g", "pkg\t", "pk\u001bg", "p\u00e9kg", "\u212aelvin", "p\u0131kg", "pkg%2f..", "pkg?x=1", "pkg#1",
        "pkg:1", "pkg@1", "pkg+local",
    })
    void rejectsNamesThatAreNotSafeKeysOrUrls(String name) {
        assertThat(ProjectName.isValid(name)).isFalse();
        assertThatThrownBy(() -> ProjectName.of(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNull() {
        assertThat(ProjectName.isValid(null)).isFalse();
        assertThatThrownBy(() -> ProjectName.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitsLengthTo200Characters() {
        assertThat(ProjectName.isValid("a".repeat(200))).isTrue();
        assertThat(ProjectName.isValid("a".repeat(201))).isFalse();
        assertThat(ProjectName.isValid("a".repeat(300))).isFalse();
    }

    @Test
    void errorMessageIsShortAndFreeOfControlCharacters() {
        // Rejected input is echoed into Jenkins logs and HTTP responses.
        String hostile = "evil\u001b[2J\r\nInjected: yes" + "x".repeat(300);
        assertThatThrownBy(() -> ProjectName.of(hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("\u001b", "\r", "\n")
                .hasSizeLessThan(250);
    }
}
