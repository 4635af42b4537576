package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's clients: pip, uv and poetry each install acme-utils, which depends on hello-package
 * (both private, both only on this index), into a fresh environment, and the installed code runs.
 * hello-package has two versions, so every client must also pick the highest one.
 */
class ClientInstallTest {
    /** What the installed code prints: acme-utils calling into hello-package, and the version resolved. */
    private static final String USE_BOTH = "from acme_text import shout; import hello_package; "
            + "print(shout('client'), hello_package.__version__)";
    private static final String EXPECTED = "HELLO, CLIENT! 0.2.0";

    private static IndexFixture index;
    private static String simple;

    @BeforeAll
    static void publish() {
        index = new IndexFixture();
        ExamplePackages.publish(index, ExamplePackages.helloPackage(index.env, "0.1.0"), "dev");
        ExamplePackages.publish(index, ExamplePackages.helloPackage(index.env, "0.2.0"), "dev");
        ExamplePackages.publish(index, index.env.copyOfExample("acme-utils"), "dev");
        simple = index.url("/dev/simple/");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void pipInstallsAPrivatePackageWithItsPrivateDependency() {
        PythonEnvironment venv = ClientTools.freshVenv();
        String out = ClientTools.pip(venv, "install", "--index-url", simple, "acme-utils");
        assertThat(out).contains("Successfully installed acme-utils-1.0.0 hello-package-0.2.0");
        assertThat(ClientTools.python(venv.python(), USE_BOTH)).isEqualTo(EXPECTED);
    }

    @Test
    void uvInstallsAPrivatePackageWithItsPrivateDependency() {
        PythonEnvironment venv = ClientTools.freshVenv();
        // --index-url replaces PyPI; first-index (uv's default, set so no machine setting changes it)
        // never looks past it; --no-config ignores uv.toml files; --no-cache so the index serves every byte.
        String out = ClientTools.run(ClientTools.tempDir("uv-"), Map.of("UV_INDEX_STRATEGY", "first-index",
                        "UV_PYTHON_DOWNLOADS", "never", "UV_NO_PROGRESS", "1"),
                List.of(ClientTools.tool("uv").toString(), "pip", "install", "--no-config", "--no-cache",
                        "--python", venv.python().toString(), "--index-url", simple, "acme-utils"));
        assertThat(out).contains("+ acme-utils==1.0.0").contains("+ hello-package==0.2.0");
        assertThat(ClientTools.python(venv.python(), USE_BOTH)).isEqualTo(EXPECTED);
    }

    @Test
    void poetryLocksAndInstallsFromThePrimarySource() throws Exception {
        Path project = ClientTools.tempDir("poetry-");
        // A primary source turns off Poetry's implicit PyPI (Poetry 2.x), so only our index can answer.
        Files.writeString(project.resolve("pyproject.toml"), """
                [project]
                name = "pypub-poetry-client"
                version = "0"
                requires-python = ">=3.9"
                dependencies = ["acme-utils"]

                [tool.poetry]
                package-mode = false

                [[tool.poetry.source]]
                name = "pypub"
                url = "%s"
                priority = "primary"
                """.formatted(simple));
        Path home = ClientTools.tempDir("poetry-home-");
        String out = ClientTools.run(project, Map.of(
                        "POETRY_VIRTUALENVS_IN_PROJECT", "true",
                        "POETRY_VIRTUALENVS_USE_POETRY_PYTHON", "true",
                        "POETRY_CACHE_DIR", home.resolve("cache").toString(),
                        "POETRY_CONFIG_DIR", home.resolve("config").toString(),
                        "POETRY_DATA_DIR", home.resolve("data").toString(),
                        "POETRY_NO_INTERACTION", "1",
                        // No desktop keyring here: asking one for credentials could hang.
                        "PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring"),
                List.of(ClientTools.tool("poetry").toString(), "install", "--no-root", "--no-interaction", "--no-ansi"));
        assertThat(out).contains("Installing acme-utils (1.0.0)").contains("Installing hello-package (0.2.0)");

        // The lock file records where each package came from: our index, nothing else.
        String lock = Files.readString(project.resolve("poetry.lock"));
        assertThat(lock).contains("name = \"acme-utils\"").contains("name = \"hello-package\"");
        assertThat(lock.lines().filter(l -> l.startsWith("url = ")).toList())
                .hasSize(2).allSatisfy(l -> assertThat(l).startsWith("url = \"" + index.url("/dev/simple")));
        assertThat(ClientTools.python(project.resolve(".venv/bin/python"), USE_BOTH)).isEqualTo(EXPECTED);
    }

    @Test
    void pipIndexVersionsListsThePublishedVersions() {
        String out = ClientTools.pip(ClientTools.freshVenv(), "index", "versions", "hello-package", "--index-url", simple);
        assertThat(out).contains("hello-package (0.2.0)").contains("Available versions: 0.2.0, 0.1.0");
    }

    /**
     * pip 22.3 to 23.1 ask for JSON but crash on its legacy "dist-info-metadata" key (the reason for
     * PEP 714), and 23.0.1 is Debian 12's pip: this install failed until the JSON dropped that key.
     */
    @Test
    void pip23FromDebianBookwormInstallsToo() {
        PythonEnvironment venv = ClientTools.freshVenv();
        // From PyPI, like FullPublishTest's build tools: a second pip cannot live in the test venv.
        ClientTools.pip(venv, "install", "-q", "pip==23.0.1");
        String out = ClientTools.run(Path.of("").toAbsolutePath(), Map.of(), List.of(venv.python().toString(), "-m", "pip",
                "install", "--isolated", "--disable-pip-version-check", "--no-cache-dir", "--index-url", simple, "acme-utils"));
        assertThat(out).contains("Successfully installed acme-utils-1.0.0 hello-package-0.2.0");
        assertThat(ClientTools.python(venv.python(), USE_BOTH)).isEqualTo(EXPECTED);
    }
}
