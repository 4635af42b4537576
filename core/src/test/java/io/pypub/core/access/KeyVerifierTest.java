package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.testing.CountingDynamoProxy;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The key cache reads each key once at a time, however many requests find it expired together.
 * The reads go to the real (local) DynamoDB server through {@link SlowProxy}, which makes each one
 * take 100 ms, like a busy, serial DynamoDB, and counts the key reads.
 */
class KeyVerifierTest {

    /** The DynamoDB server behind a proxy that counts GetItem calls and forwards each after 100 ms. */
    private static final class SlowProxy implements AutoCloseable {
        private final CountingDynamoProxy proxy;
        private final AwsClients clients;
        final AtomicInteger reads;

        SlowProxy(Deployment d) throws IOException {
            proxy = new CountingDynamoProxy(d, Duration.ofMillis(100));
            clients = proxy.clients();
            reads = proxy.reads;
        }

        KeyVerifier verifier(Deployment d, Duration ttl) {
            return new KeyVerifier(new ApiKeyTable(clients.dynamo(), d.settings().accessTable()), Clock.systemUTC(), ttl);
        }

        @Override
        public void close() {
            clients.close();
            proxy.close();
        }
    }

    @Test
    void concurrentRequestsAtExpiryReadTheKeyOnce() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment(); SlowProxy dynamo = new SlowProxy(d)) {
            Duration ttl = Duration.ofMillis(300);
            concurrentRequestsAtExpiry(dynamo.verifier(d, ttl), dynamo, ttl, existingKey(d));
        }
    }

    /**
     * A key that exists (written directly, not through the proxy): an unknown id is remembered for a
     * minute apart from the keys, whatever the interval, so only real keys show the refresh.
     */
    private static String existingKey(Deployment d) {
        return new ApiKeys(new ApiKeyTable(d.clients().dynamo(), d.settings().accessTable()), Clock.systemUTC())
                .create(new KeyPolicy("refresh-test", Set.of("dev"), Set.of(), 100, 100, null, null, null), "test").token().reveal();
    }

    private static void concurrentRequestsAtExpiry(KeyVerifier verifier, SlowProxy dynamo, Duration ttl, String key) throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 2; round++) { // the first read, then the refresh after expiry
                int before = dynamo.reads.get();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<KeyVerifier.Result>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return verifier.verify(key);
                    }));
                }
                start.countDown();
                for (Future<KeyVerifier.Result> r : results) {
                    assertThat(r.get().ok()).isTrue();
                }
                assertThat(dynamo.reads.get() - before).isEqualTo(1);
                Thread.sleep(ttl.toMillis() + 50);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nothingOlderThanTheIntervalIsServed() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment(); SlowProxy dynamo = new SlowProxy(d)) {
            Duration ttl = Duration.ofMillis(200);
            KeyVerifier verifier = dynamo.verifier(d, ttl);
            String key = existingKey(d);
            assertThat(verifier.verify(key).ok()).isTrue();
            Thread.sleep(ttl.toMillis() + 50);
            int before = dynamo.reads.get();
            verifier.verify(key); // past the interval: this request reads (and waits) itself
            assertThat(dynamo.reads.get() - before).isEqualTo(1);
        }
    }
}
