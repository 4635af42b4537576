package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.access.ApiKeyToken;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.testing.CountingDynamoProxy;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2b and the key half of 2c: failed attempts are throttled, not the valid
 * credentials behind the same address. Each test gets its own index instance (so its own
 * in-memory throttles), whose DynamoDB requests go through a proxy that counts the reads; all
 * requests come from one address (loopback), as from behind one NAT.
 */
class FailedAttemptsTest {
    private static AccessFixture index;
    private CountingDynamoProxy proxy;
    private AwsClients clients;
    private IndexServer server;

    @BeforeAll
    static void publish() {
        index = new AccessFixture(); // the defaults of `pypub serve`: 20 costly failures per address, 20 per key id, a minute
        index.publish("hello-package", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @BeforeEach
    void instanceBehindACountingProxy() throws Exception {
        proxy = new CountingDynamoProxy(index.deployment);
        clients = proxy.clients();
        server = new IndexServer(new IndexService(clients, IndexSettings.defaults(), RequestGuard.forDeployment(clients, index.settings)),
                "127.0.0.1", 0).start();
    }

    @AfterEach
    void stopInstance() {
        server.close();
        clients.close();
        proxy.close();
    }

    private int status(String key) throws Exception {
        return page(key).statusCode();
    }

    private HttpResponse<byte[]> page(String key) throws Exception {
        return index.get(server, "/dev/simple/", "Authorization", "Bearer " + key);
    }

    private static String randomKey() {
        return ApiKeyToken.generate(new SecureRandom()).reveal();
    }

    /** The same key id with another (well-formed) secret: what a client still holding a rotated key sends. */
    private static String wrongSecret(String key) {
        return key.substring(0, key.lastIndexOf('_') + 1) + randomKey().substring(key.lastIndexOf('_') + 1);
    }

    @Test
    void randomKeyIdsFromOneAddressCostAFewReadsThen429AndAValidKeyFromThatAddressStillWorks() throws Exception {
        String valid = index.createKey("--client", "office-a", "--stages", "dev", "--rate", "0");
        assertThat(status(valid)).isEqualTo(200);
        int before = proxy.reads.get();
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<byte[]> last = null;
        for (int i = 0; i < 200; i++) {
            last = page(randomKey());
            statuses.add(last.statusCode());
        }
        int reads = proxy.reads.get() - before;
        System.out.println("200 random key ids from one address: " + reads + " table reads; answers " + statuses.subList(0, 25) + "...");
        assertThat(statuses.subList(0, 20)).containsOnly(401);
        assertThat(statuses.subList(20, 200)).containsOnly(429);
        assertThat(last.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow()).isBetween(1L, 60L);
        assertThat(new String(last.body())).isEqualTo("Too many requests: too many failed logins from this address\n");
        assertThat(reads).as("table reads for 200 unknown ids").isLessThanOrEqualTo(20);
        // The valid key from the same address, while the address is throttled: served.
        for (int i = 0; i < 5; i++) {
            assertThat(status(valid)).isEqualTo(200);
        }
        // Real pip from the same address, with the valid key, while the address is still throttled.
        AccessFixture.Run pip = index.pip(io.pypub.core.testing.TestEnvironment.pythonEnvironment(), "download", "--no-deps", "-d",
                io.pypub.core.testing.TestEnvironment.tempDir("dl").toString(), "--index-url",
                AccessFixture.withKey(server, valid, "/dev/simple/"), "hello-package");
        assertThat(pip.exitCode()).as(pip.output()).isZero();
        assertThat(pip.output()).contains("Saved");
        assertThat(page(randomKey()).statusCode()).as("the address is still throttled").isEqualTo(429);
        // And the audit line says why the guesses were refused.
        assertThat(index.logs.audit()).anySatisfy(a -> assertThat(a.path("reason").asText()).isEqualTo("failed-login throttle"));
    }

    @Test
    void theSameUnknownKeyIdAgainAndAgainCostsOneRead() throws Exception {
        String unknown = randomKey();
        int before = proxy.reads.get();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            statuses.add(status(unknown));
        }
        assertThat(proxy.reads.get() - before).isEqualTo(1);
        // The per-key-id limit: 19 answers 401, then 429 for that id, exactly as for an existing id with a wrong secret.
        assertThat(statuses.subList(0, 19)).containsOnly(401);
        assertThat(statuses.subList(19, 50)).containsOnly(429);
    }

    @Test
    void aStaleClientAfterARotationIsThrottledButNotTheRightSecretNorTheOtherKeysBehindTheSameAddress() throws Exception {
        String rotated = index.createKey("--client", "office-b", "--stages", "dev", "--rate", "0");
        String neighbour = index.createKey("--client", "office-c", "--stages", "dev", "--rate", "0");
        String stale = wrongSecret(rotated);
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<byte[]> last = null;
        for (int i = 0; i < 40; i++) {
            last = page(stale);
            statuses.add(last.statusCode());
        }
        assertThat(statuses.subList(0, 19)).containsOnly(401);
        assertThat(statuses.subList(19, 40)).containsOnly(429);
        assertThat(new String(last.body())).isEqualTo("Too many requests: too many failed attempts with this key\n");
        // Malformed keys cost a parse: not throttled, and they lock out nobody either.
        for (int i = 0; i < 40; i++) {
            assertThat(status("pypub_not-a-key-" + i)).isEqualTo(401);
        }
        // The right secret of the throttled key id, and a key this instance has never seen, from the same address: served.
        assertThat(status(rotated)).isEqualTo(200);
        assertThat(status(neighbour)).isEqualTo(200);
        assertThat(index.logs.audit()).anySatisfy(a -> {
            assertThat(a.path("reason").asText()).isEqualTo("key id throttle");
            assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(rotated));
        });
    }
}
