package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2c: bad docs logins cost a bcrypt (cost 12, ~0.2 s of a core) each, and a flood of
 * them made every simple page wait for the CPU (median 0.7 ms to 724 ms). Password checks now run
 * one at a time (a login that cannot get the permit within a quarter second gets 503), verified
 * logins are remembered under an HMAC, and an address over the failed-login limit causes no more
 * checks at all. Latencies are compared as a ratio, measured on the same server in the same run.
 */
class LoginFloodTest {
    static final String DOCS = DocsAccessTest.DOCS;
    static final String PASSWORD = "correct horse battery staple";
    static final int FLOOD_THREADS = 16;
    static final int FLOOD_MAX_REQUESTS = 3000;
    static final Duration FLOOD_MAX_TIME = Duration.ofSeconds(40);
    static final int SAMPLES = 150;
    private static AccessFixture index;

    @BeforeAll
    static void publishWithDocs() {
        // A failed-login limit no flood here reaches: this server is protected by the password-check limit alone.
        index = new AccessFixture(AccessSettings.enforcing().withCacheTtl(AccessFixture.CACHE_TTL)
                .withFailedAuthLimit(1_000_000, Duration.ofMinutes(1)));
        index.publish("hello-package", "dev");
        assertThat(index.cli(PASSWORD + "\n", "users", "add", "alice", "--stages", "dev", "--password-stdin").exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    /** Median latency in microseconds of {@code n} sequential simple-page requests with a valid key. */
    private static long medianPageMicros(IndexServer server, String key, int n) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> r = index.get(server, "/dev/simple/hello-package/", "Authorization", "Bearer " + key);
            micros.add((System.nanoTime() - start) / 1000);
            assertThat(r.statusCode()).isEqualTo(200);
            Thread.sleep(10); // a steady reader, not a second flood: spreads the samples over a few seconds of the flood
        }
        micros.sort(null);
        return micros.get(n / 2);
    }

    /** Bad docs logins from {@link #FLOOD_THREADS} threads until stopped, at most the bounded count and time. */
    private static final class Flood implements AutoCloseable {
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger sent = new AtomicInteger();
        private final ExecutorService pool = Executors.newFixedThreadPool(FLOOD_THREADS);
        private final HttpClient http = HttpClient.newHttpClient();
        private final List<Future<?>> running = new ArrayList<>();

        Flood(IndexServer server) {
            long deadline = System.nanoTime() + FLOOD_MAX_TIME.toNanos();
            for (int t = 0; t < FLOOD_THREADS; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    while (!stop.get() && System.nanoTime() < deadline) {
                        int n = sent.incrementAndGet();
                        if (n > FLOOD_MAX_REQUESTS) {
                            return null;
                        }
                        String user = n % 2 == 0 ? "alice" : "guess" + thread + "x" + n; // known and unknown names
                        HttpRequest req = HttpRequest.newBuilder(URI.create(server.localUrl() + DOCS))
                                .header("Authorization", AccessFixture.basic(user, "wrong password " + n)).build();
                        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    }
                    return null;
                }));
            }
        }

        long count(int status) {
            LongAdder a = statuses.get(status);
            return a == null ? 0 : a.sum();
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(1, TimeUnit.MINUTES);
            }
            pool.shutdownNow();
        }
    }

    @Test
    void simplePagesStayFastAndVerifiedLoginsStillWorkUnderAFloodOfBadDocsLogins() throws Exception {
        IndexServer server = index.server();
        String key = index.createKey("--client", "page-reader", "--stages", "dev", "--rate", "0");
        assertThat(index.get(server, DOCS, "Authorization", AccessFixture.basic("alice", PASSWORD)).statusCode()).isEqualTo(200);
        medianPageMicros(server, key, 50); // warm-up
        long calm = medianPageMicros(server, key, SAMPLES);
        long flooded;
        Flood flood = new Flood(server);
        try (flood) {
            Thread.sleep(500); // every flood thread is waiting for a password check by now
            flooded = medianPageMicros(server, key, SAMPLES);
            // A login verified before the flood: remembered (HMAC), so it needs no permit and still gets in.
            assertThat(index.get(server, DOCS, "Authorization", AccessFixture.basic("alice", PASSWORD)).statusCode()).isEqualTo(200);
        }
        double ratio = (double) flooded / calm;
        System.out.printf("simple page median: %d us calm, %d us under %d bad-login threads (ratio %.2f); flood answers %s%n",
                calm, flooded, FLOOD_THREADS, ratio, flood.statuses);
        assertThat(flood.count(401)).as("bad logins checked").isPositive();
        assertThat(flood.count(503)).as("bad logins refused for want of a permit").isPositive();
        assertThat(flood.count(200)).isZero();
        // Measured here: about 1 with the limit; 4.3 to 5.7 without it (16 bcrypts at once on 2 cores).
        assertThat(ratio).as("median page latency under the flood / without it").isLessThan(3.0);
        assertThat(index.logs.audit()).anySatisfy(a -> assertThat(a.path("reason").asText()).isEqualTo("password checks busy"));
    }

    /** With the default failed-login limit (20 a minute), an address that keeps failing causes no password checks at all. */
    @Test
    void anAddressOverTheFailedLoginLimitCausesNoMoreChecksButItsVerifiedLoginsStillPass() throws Exception {
        try (IndexServer server = new IndexServer(new IndexService(index.deployment.clients(), IndexSettings.defaults(),
                RequestGuard.forDeployment(index.deployment.clients(), AccessSettings.enforcing().withCacheTtl(AccessFixture.CACHE_TTL))),
                "127.0.0.1", 0).start()) {
            assertThat(index.get(server, DOCS, "Authorization", AccessFixture.basic("alice", PASSWORD)).statusCode()).isEqualTo(200);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                statuses.add(index.get(server, DOCS, "Authorization", AccessFixture.basic("alice", "wrong password " + i)).statusCode());
            }
            assertThat(statuses.subList(0, 20)).containsOnly(401);
            assertThat(statuses.subList(20, 30)).containsOnly(429);
            // No bcrypt for a throttled address: 30 more tries take far less than one check each (~0.2 s).
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                assertThat(index.get(server, DOCS, "Authorization", AccessFixture.basic("mallory", "guess " + i)).statusCode()).isEqualTo(429);
            }
            System.out.println("30 throttled logins took " + (System.nanoTime() - start) / 1_000_000 + " ms");
            // The verified login from the same address still gets in.
            assertThat(index.get(server, DOCS, "Authorization", AccessFixture.basic("alice", PASSWORD)).statusCode()).isEqualTo(200);
        }
    }
}
