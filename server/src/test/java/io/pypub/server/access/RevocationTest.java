package io.pypub.server.access;

import io.pypub.core.testing.TestEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.server.http.IndexServer;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Revocation and rotation bite on every instance within the key cache's interval (1 s here, 2 s by default). */
class RevocationTest {
    private static AccessFixture index;
    private static IndexServer second;

    @BeforeAll
    static void publish() {
        index = new AccessFixture();
        second = index.startServer();
        index.publish("hello-package", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void aRevokedKeyFailsOnEveryInstanceWithinTheCacheInterval() throws Exception {
        String key = index.createKey("--client", "leaver", "--stages", "dev");
        PythonEnvironment venv = index.env.freshClientVenv();
        AccessFixture.Run before = index.pip(venv, "download", "--no-deps", "-d", TestEnvironment.tempDir("dl").toString(),
                "--index-url", AccessFixture.withKey(index.server(), key, "/dev/simple/"), "hello-package");
        assertThat(before.exitCode()).as(before.output()).isZero();
        // Both instances have the key cached now.
        for (IndexServer s : index.servers) {
            assertThat(index.get(s, "/dev/simple/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        }

        AccessFixture.CliResult revoke = index.cli(null, "keys", "revoke", AccessFixture.keyId(key));
        assertThat(revoke.exitCode()).as(revoke.stderr()).isZero();
        assertThat(revoke.stdout()).contains("Revoked key " + AccessFixture.keyId(key) + " of client 'leaver'");
        long revokedAt = System.nanoTime();

        for (IndexServer s : index.servers) {
            int status = 200;
            while (status == 200 && System.nanoTime() - revokedAt < Duration.ofSeconds(5).toNanos()) {
                status = index.get(s, "/dev/simple/", "Authorization", "Bearer " + key).statusCode();
                Thread.sleep(50);
            }
            assertThat(status).isEqualTo(401);
        }
        // "Within seconds": the cache interval plus slack for a loaded machine (CI has 2 cores and
        // this loop polls two servers over HTTP); a key cached for good would never get here.
        long tookMillis = (System.nanoTime() - revokedAt) / 1_000_000;
        assertThat(tookMillis).isLessThanOrEqualTo(AccessFixture.CACHE_TTL.toMillis() + 2_500);
        assertThat(new String(index.get(second, "/dev/simple/", "Authorization", "Bearer " + key).body())).isEqualTo("Unauthorized: key revoked\n");

        AccessFixture.Run after = index.pip(venv, "download", "-vv", "--no-deps", "-d", TestEnvironment.tempDir("dl").toString(),
                "--index-url", AccessFixture.withKey(second, key, "/dev/simple/"), "hello-package");
        assertThat(after.exitCode()).isNotZero();
        assertThat(after.output()).contains("401 Client Error");
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
            assertThat(a.path("reason").asText()).isEqualTo("revoked");
            assertThat(a.path("status").asInt()).isEqualTo(401);
        });
        assertThat(index.cli(null, "keys", "show", AccessFixture.keyId(key)).stdout()).contains("\"status\" : \"revoked\"");
    }

    @Test
    void rotationGivesANewSecretAndTheOldOneStopsWorking() throws Exception {
        String old = index.createKey("--client", "rotor", "--stages", "dev");
        assertThat(index.get("/dev/simple/", "Authorization", "Bearer " + old).statusCode()).isEqualTo(200);
        AccessFixture.CliResult rotate = index.cli(null, "keys", "rotate", AccessFixture.keyId(old));
        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
        String fresh = rotate.stdout().strip();
        assertThat(fresh).startsWith("pypub_" + AccessFixture.keyId(old) + "_").isNotEqualTo(old);
        Thread.sleep(AccessFixture.CACHE_TTL.toMillis() + 100);
        assertThat(index.get("/dev/simple/", "Authorization", "Bearer " + old).statusCode()).isEqualTo(401);
        assertThat(index.get("/dev/simple/", "Authorization", "Bearer " + fresh).statusCode()).isEqualTo(200);
        assertThat(index.cli(null, "keys", "show", AccessFixture.keyId(old)).stdout()).contains("\"client\" : \"rotor\"")
                .contains("\"rotated\"");
    }

    @Test
    void unknownKeyIdsAreClearErrors() {
        AccessFixture.CliResult r = index.cli(null, "keys", "revoke", "aaaaaaaaaa");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("error: No key with id 'aaaaaaaaaa'");
    }
}
