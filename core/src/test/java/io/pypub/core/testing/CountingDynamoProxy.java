package io.pypub.core.testing;

import com.sun.net.httpserver.HttpServer;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A plain HTTP proxy on loopback in front of the real (local) DynamoDB server that counts the
 * item reads ({@code GetItem}) going through it, optionally after a delay, logs every request
 * (operation and body), and can hold chosen requests: AWS clients whose DynamoDB endpoint is this
 * proxy let a test see how many reads a series of requests cost, and what happens while reads are
 * slow or stuck.
 */
public final class CountingDynamoProxy implements AutoCloseable {
    private static final String GET_ITEM = "DynamoDB_20120810.GetItem";
    public final AtomicInteger reads = new AtomicInteger();
    /** Every request as "{operation} {body}", e.g. "Query {...}", in arrival order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** How many requests are waiting in {@link #hold}. */
    public final AtomicInteger held = new AtomicInteger();
    private volatile Predicate<String> holdIf = request -> false;
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newHttpClient();
    private final AwsSettings settings;

    public CountingDynamoProxy(Deployment d) throws IOException {
        this(d, java.time.Duration.ZERO);
    }

    /** @param delay how long each request waits before it is forwarded */
    public CountingDynamoProxy(Deployment d, java.time.Duration delay) throws IOException {
        URI target = d.settings().dynamoEndpoint();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                if (GET_ITEM.equals(operation)) {
                    reads.incrementAndGet();
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                String request = (operation == null ? "" : operation.substring(operation.indexOf('.') + 1)) + " "
                        + new String(body, java.nio.charset.StandardCharsets.UTF_8);
                requests.add(request);
                if (!delay.isZero()) {
                    Thread.sleep(delay.toMillis());
                }
                if (holdIf.test(request)) {
                    CountDownLatch until = release;
                    held.incrementAndGet();
                    try {
                        until.await();
                    } finally {
                        held.decrementAndGet();
                    }
                }
                HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
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
        AwsSettings s = d.settings();
        settings = new AwsSettings(s.region(), s.bucket(), s.prefix(), s.docsBucket(), s.versionTable(), s.accessTable(),
                s.s3Endpoint(), URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    /**
     * From now on, requests matching {@code request} ("{operation} {body}") wait until the returned latch is
     * counted down.
     */
    public CountDownLatch hold(Predicate<String> request) {
        CountDownLatch latch = new CountDownLatch(1);
        release = latch;
        holdIf = request;
        return latch;
    }

    /** Clients of the same deployment whose DynamoDB requests go through this proxy (the caller closes them). */
    public AwsClients clients() {
        return new AwsClients(settings, StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded-secret")));
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
