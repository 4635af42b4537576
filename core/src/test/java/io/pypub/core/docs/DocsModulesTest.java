package io.pypub.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.error.PublishException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocsModulesTest {
    @TempDir
    Path tmp;

    @Test
    void detectsTopLevelPackagesAndModulesOnly() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("zeta/__init__.py", "");
        entries.put("zeta/sub/__init__.py", "");
        entries.put("alpha.py", "");
        entries.put("alpha/__init__.py", ""); // same name as a module: listed once
        entries.put("_version.py", "");
        entries.put("tests/__init__.py", "");
        entries.put("bad-name/__init__.py", "");
        entries.put("namespace_only/mod.py", "");
        entries.put("README.txt", "");
        entries.put("demo-1.0.dist-info/METADATA", "Name: demo\n");
        entries.put("demo-1.0.dist-info/__init__.py", "");
        entries.put("demo-1.0.data/purelib/hidden/__init__.py", "");
        entries.put("demo-1.0.data/scripts/tool.py", "");
        Path wheel = Zips.write(tmp.resolve("demo-1.0-py3-none-any.whl"), entries);

        assertThat(DocsModules.detect(wheel)).containsExactly("alpha", "zeta");
    }

    @Test
    void aWheelWithNothingToDocumentAsksForAnExplicitList() throws Exception {
        Path wheel = Zips.write(tmp.resolve("empty-1.0-py3-none-any.whl"), Map.of("empty-1.0.dist-info/METADATA", "x"));

        assertThatThrownBy(() -> DocsModules.detect(wheel))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("Found no top-level package or module")
                .hasMessageContaining("explicitly");
    }

    @Test
    void notAZipIsAClearError() throws Exception {
        Path wheel = Files.writeString(tmp.resolve("broken-1.0-py3-none-any.whl"), "not a zip");

        assertThatThrownBy(() -> DocsModules.detect(wheel))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("is not a readable wheel");
    }

    @Test
    void anExplicitListWinsOverDetectionAndIsDeduplicated() throws Exception {
        Path wheel = Zips.write(tmp.resolve("demo-1.0-py3-none-any.whl"), Map.of("demo/__init__.py", ""));

        assertThat(DocsModules.resolve(wheel, List.of("demo.api", " demo ", "demo.api"))).containsExactly("demo.api", "demo");
        assertThat(DocsModules.resolve(wheel, List.of())).containsExactly("demo");
        assertThat(DocsModules.resolve(wheel, null)).containsExactly("demo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-o", "--help", "../evil", "a..b", "a.", ".a", "a b", "a;rm -rf /", "1abc", "pkg/sub", "naïve",
            "a\nb"})
    void refusesNamesThatAreNotDottedPythonIdentifiers(String name) {
        assertThatThrownBy(() -> DocsModules.validated(List.of(name)))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("Invalid module name");
    }

    @Test
    void acceptsDottedIdentifiers() {
        assertThat(DocsModules.validated(List.of("a", "_b", "pkg.sub_mod.X2"))).containsExactly("a", "_b", "pkg.sub_mod.X2");
    }
}
