package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.Stage;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 7: `pypub import URL` from an index that requires a key: credentials from the URL's
 * user-info, a netrc file or stdin; the key is never printed, not even when it is refused.
 */
class ImportCredentialsTest {
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void start() {
        index = new AccessFixture();
        index.publish("hello-package", "dev");
        key = index.createKey("--client", "mirror", "--stages", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private String simple() {
        return index.url("/dev/simple/");
    }

    private static String secret(String k) {
        return k.substring(17);
    }

    @Test
    void withoutCredentialsTheImportSaysHowToGiveThem() {
        AccessFixture.CliResult r = index.cli(null, "import", "--stage", "imported-a", simple(), "--netrc", emptyNetrc().toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("error: " + simple() + " answered HTTP 401: the index wants credentials")
                .contains("--password-stdin").doesNotContain("\tat ");
    }

    @Test
    void theKeyInTheUrlWorksAndIsNeverPrintedEvenWhenRefused() {
        String withKey = AccessFixture.withKey(index.server(), key, "/dev/simple/");
        AccessFixture.CliResult ok = index.cli(null, "import", "--stage", "imported-b", withKey);
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(ok.stdout() + ok.stderr()).doesNotContain(secret(key));
        assertThat(index.deployment.versions().releases(Stage.of("imported-b"), "hello-package")).hasSize(1);
        // The change log names the index it came from, without the key.
        var events = io.pypub.core.audit.ChangeLog.on(index.deployment.clients())
                .between(java.time.Instant.now().minusSeconds(300), java.time.Instant.now().plusSeconds(1)).stream()
                .filter(e -> e.operation().equals("import") && "imported-b".equals(e.stage())).toList();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("ok");
            assertThat(e.details()).containsEntry("source", simple());
        });

        String wrong = key.substring(0, 17) + "a".repeat(secret(key).length());
        AccessFixture.CliResult refused = index.cli(null, "import", "--stage", "imported-b",
                AccessFixture.withKey(index.server(), wrong, "/dev/simple/"));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("answered HTTP 401").contains("credentials for user '__token__' were not accepted")
                .doesNotContain(secret(wrong)).doesNotContain("aaaaaaaaaaaaaaaa");
        // A URL that does not parse is not echoed with its password either.
        AccessFixture.CliResult bad = index.cli(null, "import", "--stage", "imported-b",
                "http://__token__:" + key + "@" + index.server().localUrl().getAuthority() + "/dev/simple/ x");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stdout() + bad.stderr()).doesNotContain(secret(key));
    }

    @Test
    void aNetrcEntryForTheHostWorks() throws Exception {
        Path netrc = TestEnvironment.tempDir("netrc").resolve("netrc");
        Files.writeString(netrc, "machine other.example.com login x password y\nmachine 127.0.0.1\n  login __token__\n  password " + key + "\n");
        AccessFixture.CliResult r = index.cli(null, "import", "--stage", "imported-c", simple(), "--netrc", netrc.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout() + r.stderr()).doesNotContain(secret(key));
        assertThat(index.deployment.versions().releases(Stage.of("imported-c"), "hello-package")).hasSize(1);
    }

    @Test
    void thePasswordFromStdinWorks() {
        AccessFixture.CliResult r = index.cli(key + "\n", "import", "--stage", "imported-d", simple(), "--password-stdin");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout() + r.stderr()).doesNotContain(secret(key));
        assertThat(index.deployment.versions().releases(Stage.of("imported-d"), "hello-package")).hasSize(1);
        AccessFixture.CliResult both = index.cli(key + "\n", "import", "--stage", "imported-d",
                AccessFixture.withKey(index.server(), key, "/dev/simple/"), "--password-stdin");
        assertThat(both.exitCode()).isEqualTo(1);
        assertThat(both.stderr()).contains("The URL has a password already").doesNotContain(secret(key));
    }

    private static Path emptyNetrc() {
        try {
            Path p = TestEnvironment.tempDir("netrc-empty").resolve("netrc");
            Files.writeString(p, "");
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
