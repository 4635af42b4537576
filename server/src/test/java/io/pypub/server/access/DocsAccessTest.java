package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Docs need HTTP Basic with a docs user allowed for the stage; the browser gets a login prompt. */
class DocsAccessTest {
    static final String DOCS = "/dev/docs/hello-package/latest/";
    static final String ALICE_PASSWORD = "correct horse battery staple";
    private static AccessFixture index;

    @BeforeAll
    static void publishWithDocs() {
        index = new AccessFixture();
        index.publish("hello-package", "dev");
        assertThat(index.cli(ALICE_PASSWORD + "\n", "users", "add", "alice", "--stages", "dev", "--password-stdin").exitCode()).isZero();
        assertThat(index.cli("prod-only-password\n", "users", "add", "bob", "--stages", "prod", "--password-stdin").exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void docsAnswer401WithoutLogin200WithItAnd403ForAnotherStage() throws Exception {
        HttpResponse<byte[]> anonymous = index.get(DOCS);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"pypub docs\", charset=\"UTF-8\"");

        HttpResponse<byte[]> alice = index.get(DOCS, "Authorization", AccessFixture.basic("alice", ALICE_PASSWORD));
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(new String(alice.body())).contains("hello_package");
        assertThat(alice.headers().firstValue("Cache-Control").orElse("")).startsWith("private");
        assertThat(index.get("/dev/docs/hello-package/latest/hello_package.html", "Authorization",
                AccessFixture.basic("alice", ALICE_PASSWORD)).statusCode()).isEqualTo(200);

        assertThat(index.get(DOCS, "Authorization", AccessFixture.basic("alice", "wrong password!")).statusCode()).isEqualTo(401);
        assertThat(index.get(DOCS, "Authorization", AccessFixture.basic("nobody", ALICE_PASSWORD)).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> bob = index.get(DOCS, "Authorization", AccessFixture.basic("bob", "prod-only-password"));
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(new String(bob.body())).isEqualTo("Forbidden: user may not read docs of stage 'dev'\n");
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("user").asText()).isEqualTo("alice");
            assertThat(a.path("status").asInt()).isEqualTo(200);
            assertThat(a.path("project").asText()).isEqualTo("hello-package");
        });
    }

    @Test
    void passwdReplacesThePasswordAndRemoveEndsAccess() throws Exception {
        assertThat(index.cli("first password 123\n", "users", "add", "carol", "--stages", "dev", "--password-stdin").exitCode()).isZero();
        assertThat(index.get(DOCS, "Authorization", AccessFixture.basic("carol", "first password 123")).statusCode()).isEqualTo(200);
        assertThat(index.cli("second password 456\n", "users", "passwd", "carol", "--password-stdin").exitCode()).isZero();
        Thread.sleep(AccessFixture.CACHE_TTL.toMillis() + 100);
        assertThat(index.get(DOCS, "Authorization", AccessFixture.basic("carol", "first password 123")).statusCode()).isEqualTo(401);
        assertThat(index.get(DOCS, "Authorization", AccessFixture.basic("carol", "second password 456")).statusCode()).isEqualTo(200);

        AccessFixture.CliResult list = index.cli(null, "users", "list");
        assertThat(list.stdout()).contains("alice").contains("carol").doesNotContain("bcrypt").doesNotContain("$2");
        assertThat(index.cli(null, "users", "remove", "carol").exitCode()).isZero();
        Thread.sleep(AccessFixture.CACHE_TTL.toMillis() + 100);
        assertThat(index.get(DOCS, "Authorization", AccessFixture.basic("carol", "second password 456")).statusCode()).isEqualTo(401);
    }

    @Test
    void passwordsAreNeverTakenFromTheCommandLineAndWeakOnesAreRefused() {
        AccessFixture.CliResult argv = index.cli(null, "users", "add", "dave", "--stages", "dev", "--password", "on-the-command-line");
        assertThat(argv.exitCode()).isNotZero();
        assertThat(argv.stderr()).contains("Unknown option").contains("'--password'");
        AccessFixture.CliResult noTerminal = index.cli(null, "users", "add", "dave", "--stages", "dev");
        assertThat(noTerminal.stderr()).contains("No terminal to ask for the password: pipe it in with --password-stdin");
        AccessFixture.CliResult weak = index.cli("short\n", "users", "add", "dave", "--stages", "dev", "--password-stdin");
        assertThat(weak.stderr()).contains("Passwords need at least 10 characters");
    }
}
