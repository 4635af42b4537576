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
import com.sun.net.httpserver.HttpServer;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The key cache reads each key once at a time, however many requests find it expired together.
 * The reads go to the real (local) DynamoDB server through {@link SlowProxy}, which makes each one
 * take 100 ms, like a busy, serial DynamoDB, and counts the key reads.
 */
class KeyVerifierTest {
    private static final String GET_ITEM = "DynamoDB_20120810.GetItem";

    /** An HTTP proxy on loopback that forwards to the DynamoDB server after 100 ms and counts GetItem calls. */
    private static final class SlowProxy implements AutoCloseable {
        final AtomicInteger reads = new AtomicInteger();
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();
        private final DynamoDbClient dynamo;

        SlowProxy(Deployment d) throws IOException {
            URI target = d.settings().dynamoEndpoint();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                try (exchange) {
                    if (GET_ITEM.equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
                        reads.incrementAndGet();
                    }
                    Thread.sleep(100);
                    HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()))
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                    exchange.getRequestHeaders().forEach((name, values) -> {
                        if (!Set.of("host", "connection", "content-length", "expect", "upgrade").contains(name.toLowerCase(Locale.ROOT))) {
                            values.forEach(v -> forward.header(name, v));
                        }
                    });
                    HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    answer.headers().map().forEach((name, values) -> {
                        if (!Set.of("content-length", "transfer-encoding", "connection", ":status").contains(name.toLowerCase(Locale.ROOT))) {
                            exchange.getResponseHeaders().put(name, values);
                        }
                    });
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
            dynamo = DynamoDbClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .region(Region.of(d.settings().region()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded-secret")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }

        KeyVerifier verifier(Deployment d, Duration ttl) {
            return new KeyVerifier(new ApiKeyTable(dynamo, d.settings().accessTable()), Clock.systemUTC(), ttl);
        }

        @Override
        public void close() {
            dynamo.close();
            server.stop(0);
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
