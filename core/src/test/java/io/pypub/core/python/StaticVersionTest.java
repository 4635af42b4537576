package io.pypub.core.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the stated version from real project files, and saying "unknown" whenever in doubt. */
class StaticVersionTest {
    private static final String SETUPTOOLS = "[build-system]\nrequires = [\"setuptools>=69\"]\nbuild-backend = \"setuptools.build_meta\"\n";

    @TempDir
    Path dir;

    private Path write(String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text);
    }

    private Optional<StaticVersion> read() {
        return StaticVersion.read(dir, null);
    }

    @Test
    void readsTheExampleProject() {
        Path example = Path.of("..", "examples", "hello-package");
        StaticVersion v = StaticVersion.read(example, null).orElseThrow();
        assertThat(v.name()).isEqualTo("hello-package");
        assertThat(v.project()).isEqualTo("hello-package");
        assertThat(v.version()).isEqualTo(Version.parse("0.1.0"));
        assertThat(v.source()).isEqualTo("pyproject.toml [project]");

        assertThat(StaticVersion.read(example, ".dev42").orElseThrow().version().normalized()).isEqualTo("0.1.0.dev42");
        assertThat(StaticVersion.read(example, "+build.7").orElseThrow().version().normalized()).isEqualTo("0.1.0+build.7");
    }

    @Test
    void followsCommentsStringsArraysAndOtherTables() throws IOException {
        write("pyproject.toml", SETUPTOOLS + """
                # [project] in a comment does not count
                [tool.example]
                text = \"""
                [project]
                version = "9.9.9"
                \"""
                other = '[project]'  # nor in strings

                [ project ]   # spaces and a comment
                "name" = 'My_Package'
                description = "A package; version = 8.8.8 is just text"
                classifiers = [
                    "Programming Language :: Python :: 3",  # version
                    "License :: OSI Approved",
                ]
                authors = [{ name = "Team", email = "team@example.com" }]
                version = "2.0.0rc1"   # the version

                [project.urls]
                version = "https://example.com/not-the-version"
                """);
        StaticVersion v = read().orElseThrow();
        assertThat(v.name()).isEqualTo("My_Package");
        assertThat(v.project()).isEqualTo("my-package");
        assertThat(v.version().normalized()).isEqualTo("2.0.0rc1");
    }

    @Test
    void aDynamicVersionIsUnknown() throws IOException {
        write("pyproject.toml", SETUPTOOLS + """
                [project]
                name = "dyn"
                dynamic = [
                    "readme",  # from README
                    "version",
                ]

                [tool.setuptools.dynamic]
                version = { attr = "dyn.__version__" }
                """);
        assertThat(read()).isEmpty();
    }

    @Test
    void anythingNotFollowedIsUnknownNeverAGuess() throws IOException {
        write("pyproject.toml", "[project\nname = broken");
        assertThat(read()).as("does not parse").isEmpty();

        write("pyproject.toml", SETUPTOOLS + "project.name = \"x\"\nproject.version = \"1.0\"\n");
        assertThat(read()).as("dotted keys under [build-system] are not [project]").isEmpty();

        write("pyproject.toml", "project.name = \"x\"\nproject.version = \"1.0\"\n" + SETUPTOOLS);
        assertThat(read()).as("[project] as top-level dotted keys is the same table in TOML")
                .hasValueSatisfying(v -> assertThat(v.version().normalized()).isEqualTo("1.0"));

        write("pyproject.toml", SETUPTOOLS + "[project]\nname = \"x\"\nversion = \"1.0 final\"\n");
        assertThat(read()).as("not a PEP 440 version").isEmpty();

        write("pyproject.toml", SETUPTOOLS + "[project]\nname = \"x\"\nversion = \"1.\\u0030\"\n");
        assertThat(read()).as("escapes are decoded").hasValueSatisfying(v -> assertThat(v.version().normalized()).isEqualTo("1.0"));

        write("pyproject.toml", SETUPTOOLS + "[project]\nname = \"x\"\nversion = 1.0\n");
        assertThat(read()).as("a version that is not a string").isEmpty();

        write("pyproject.toml", SETUPTOOLS + "[project]\nname = \"x\"\n");
        assertThat(read()).as("no version at all: the build reports it").isEmpty();

        write("pyproject.toml", SETUPTOOLS + "[project]\nname = \"x\"\nversion = \"1.0\"\n[project]\nversion = \"2.0\"\n");
        assertThat(read()).as("[project] twice").isEmpty();

        write("pyproject.toml", "[build-system]\nbuild-backend = \"poetry.core.masonry.api\"\n[tool.poetry]\nname = \"p\"\nversion = \"1.0\"\n");
        write("setup.cfg", "[metadata]\nname = p\nversion = 1.0\n");
        assertThat(read()).as("poetry: its own version, not read here; setup.cfg is not poetry's").isEmpty();
    }

    @Test
    void noProjectFilesIsUnknown() {
        assertThat(read()).isEmpty();
    }

    @Test
    void setuptoolsProjectsWithoutAProjectTableUseSetupCfg() throws IOException {
        write("pyproject.toml", SETUPTOOLS);
        write("setup.cfg", """
                [metadata]
                name = legacy_pkg
                version = 1.4.2
                description = Old style

                [options]
                packages = find:
                """);
        StaticVersion v = read().orElseThrow();
        assertThat(v.project()).isEqualTo("legacy-pkg");
        assertThat(v.version().normalized()).isEqualTo("1.4.2");
        assertThat(v.source()).isEqualTo("setup.cfg [metadata]");
        assertThat(StaticVersion.read(dir, ".post1").orElseThrow().version().normalized()).isEqualTo("1.4.2.post1");

        write("setup.py", "from setuptools import setup\nsetup()\n");
        assertThat(read()).as("a setup.py that only calls setup()").isPresent();

        write("setup.py", "from setuptools import setup\nsetup(version=compute())\n");
        assertThat(read()).as("setup.py may set the version").isEmpty();
        Files.delete(dir.resolve("setup.py"));

        write("setup.cfg", "[metadata]\nname = legacy_pkg\nversion = attr: legacy_pkg.__version__\n");
        assertThat(read()).as("attr:").isEmpty();

        write("setup.cfg", "[metadata]\nname = legacy_pkg\nversion = file: VERSION\n");
        assertThat(read()).as("file:").isEmpty();

        Files.delete(dir.resolve("pyproject.toml"));
        write("setup.cfg", "[metadata]\nname: legacy_pkg\nversion: 3.0\n");
        assertThat(read()).as("no pyproject.toml: setuptools' legacy backend, ':' separators")
                .hasValueSatisfying(s -> assertThat(s.version().normalized()).isEqualTo("3.0"));
    }
}
