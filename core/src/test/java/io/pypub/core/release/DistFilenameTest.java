package io.pypub.core.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DistFilenameTest {
    @ParameterizedTest
    @CsvSource({
        "my_pkg-1.0.tar.gz, my-pkg, 1.0",
        "My.Pkg-2.0rc1.tar.gz, my-pkg, 2.0rc1",
        "pkg-1!2.0.post3.dev4+abc.1.tar.gz, pkg, 1!2.0.post3.dev4+abc.1",
        "Pkg-0.9.zip, pkg, 0.9",
        // Legacy sdists keep '-' in the name: split where a valid version follows.
        "my-pkg-1.0.tar.gz, my-pkg, 1.0",
        "my-long-pkg-name-3.2.1b2.tar.gz, my-long-pkg-name, 3.2.1b2",
        "my-pkg-1.0-1.tar.gz, my-pkg, 1.0.post1",
    })
    void readsNameAndVersionOfSdists(String filename, String project, String version) {
        DistFilename d = DistFilename.parse(filename);
        assertThat(d.type()).isEqualTo(PackageType.SDIST);
        assertThat(d.project()).isEqualTo(project);
        assertThat(d.version().normalized()).isEqualTo(version);
        assertThat(d.filename()).isEqualTo(filename);
    }

    @ParameterizedTest
    @CsvSource({
        "my_pkg-1.0-py3-none-any.whl, my-pkg, 1.0",
        "My.Pkg-2.0.0rc1-py2.py3-none-any.whl, my-pkg, 2.0.0rc1",
        "pkg-1.0+local.7-py3-none-any.whl, pkg, 1.0+local.7",
        // A build tag is not part of the version: 1.0-1-... is 1.0 (build 1), not 1.0.post1.
        "pkg-1.0-1-py3-none-any.whl, pkg, 1.0",
        "numpy_ext-1.26.4-2abc-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl, numpy-ext, 1.26.4",
    })
    void readsNameAndVersionOfWheels(String filename, String project, String version) {
        DistFilename d = DistFilename.parse(filename);
        assertThat(d.type()).isEqualTo(PackageType.WHEEL);
        assertThat(d.project()).isEqualTo(project);
        assertThat(d.version().normalized()).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "pkg", "pkg.tar.gz", "pkg-.tar.gz", "-1.0.tar.gz", "pkg-notaversion.tar.gz", "pkg-1.0.exe",
        "pkg-1.0.TAR.GZ.exe", "pkg-1.0.tar", "pkg-1.0-py3-none.whl", "pkg-1.0-py3-none-any.zip",
        "pkg-1.0-x-py3-none-any.whl", // a build tag must start with a digit
        "pkg-1.0-py3-none-any.whl.tar.gz",
        // Paths and characters that must never reach an S3 key or a URL.
        "../pkg-1.0.tar.gz", "dir/pkg-1.0.tar.gz", "dir\\pkg-1.0.tar.gz", "/pkg-1.0.tar.gz", "pkg-1.0.tar.gz/..",
        "..-1.0.tar.gz", "pkg-1.0/../../x.tar.gz", "pkg-1.0.tar.gz\n", "pkg-1.0.tar.gz\u0000.exe",
        "pkg-1.0 .tar.gz", "p\u00e9kg-1.0.tar.gz", "pkg-1.0%2f.tar.gz", "pkg-1.0?.tar.gz",
    })
    void rejectsAnythingElse(String filename) {
        assertThatThrownBy(() -> DistFilename.parse(filename))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid distribution file name");
    }

    @Test
    void rejectsOverlongNamesAndNull() {
        assertThatThrownBy(() -> DistFilename.parse("p".repeat(250) + "-1.0.tar.gz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> DistFilename.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
