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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** The key cache reads each key once at a time, however many requests find it expired together. */
class KeyVerifierTest {

    /** A table that answers every read after 100 ms (like a busy, serial DynamoDB) with "no such item". */
    private static final class SlowTable implements DynamoDbClient {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            reads.incrementAndGet();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return GetItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void concurrentRequestsAtExpiryReadTheKeyOnce() throws Exception {
        SlowTable dynamo = new SlowTable();
        Duration ttl = Duration.ofMillis(300);
        KeyVerifier verifier = new KeyVerifier(new ApiKeyTable(dynamo, "t"), Clock.systemUTC(), ttl);
        String key = ApiKeyToken.generate(new SecureRandom()).reveal();
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
                    assertThat(r.get().reason()).isEqualTo(KeyVerifier.Reason.UNKNOWN);
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
        SlowTable dynamo = new SlowTable();
        Duration ttl = Duration.ofMillis(200);
        KeyVerifier verifier = new KeyVerifier(new ApiKeyTable(dynamo, "t"), Clock.systemUTC(), ttl);
        String key = ApiKeyToken.generate(new SecureRandom()).reveal();
        verifier.verify(key);
        Thread.sleep(ttl.toMillis() + 50);
        int before = dynamo.reads.get();
        verifier.verify(key); // past the interval: this request reads (and waits) itself
        assertThat(dynamo.reads.get() - before).isEqualTo(1);
    }
}
