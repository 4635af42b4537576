package io.pypub.core.notify.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for Slack on 127.0.0.1: an incoming webhook under {@code /services/...} and
 * {@code chat.postMessage} under {@code /api/}. It answers as Slack does (webhook: 200 "ok" or an
 * HTTP error with a plain-text code; Web API: 200 with {"ok":...}), validating the token, the
 * channel and the payload (a reply's {@code thread_ts} must be the {@code ts} of a message it accepted; {@code
 * reply_broadcast} must be a boolean on a reply), and records every request so tests can check what Slack received.
 */
public final class FakeSlack implements AutoCloseable {
    public static final String TOKEN = "xoxb-1111-2222-SeCrEtBoTtOkEn";
    public static final String CHANNEL = "#releases";
    /** The channel id chat.postMessage answers with (Slack answers ids, not names). */
    public static final String CHANNEL_ID = "C0123";
    public static final String WEBHOOK_PATH = "/services/T0001/B0002/WebhookSecret42xyz";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one request looked like when it reached "Slack". */
    public record Received(String method, String path, Headers headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Slack received a body that is not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** A canned answer that replaces Slack's normal behaviour. */
    private record Canned(int status, String contentType, String body, String retryAfter, boolean hang) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Canned canned;
    private final java.util.Set<String> posted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger nextTs = new java.util.concurrent.atomic.AtomicInteger(100);

    private FakeSlack(HttpServer server) {
        this.server = server;
    }

    public static FakeSlack start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeSlack slack = new FakeSlack(server);
        server.setExecutor(slack.executor);
        server.createContext("/", slack::handle);
        server.start();
        return slack;
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String webhookUrl() {
        return base() + WEBHOOK_PATH;
    }

    public URI apiBase() {
        return URI.create(base() + "/api/");
    }

    public void answer(int status, String contentType, String body) {
        canned = new Canned(status, contentType, body, null, false);
    }

    void rateLimit(String retryAfter) {
        canned = new Canned(429, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"ratelimited\"}",
                retryAfter, false);
    }

    /** Accepts requests and never answers, like a stuck proxy. */
    void hang() {
        canned = new Canned(0, null, null, null, true);
    }

    /** The next request Slack received; fails if none arrives. */
    public Received take() throws InterruptedException {
        Received r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("Slack received no request");
        }
        return r;
    }

    public int requestCount() {
        return received.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(), body);
            received.add(r);
            Canned o = canned;
            if (o != null && o.hang()) {
                released.await();
                return;
            }
            if (o != null) {
                if (o.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", o.retryAfter());
                }
                send(exchange, o.status(), o.contentType(), o.body());
            } else if (r.path().startsWith("/api/")) {
                webApi(exchange, r);
            } else {
                webhook(exchange, r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // https://api.slack.com/messaging/webhooks#handling_errors
    private void webhook(HttpExchange exchange, Received r) throws IOException {
        if (!r.method().equals("POST")) {
            send(exchange, 405, "text/plain", "invalid_method");
        } else if (!r.path().equals(WEBHOOK_PATH)) {
            send(exchange, 404, "text/plain", "no_service");
        } else if (!hasText(r)) {
            send(exchange, 400, "text/plain", "invalid_payload");
        } else {
            send(exchange, 200, "text/plain", "ok");
        }
    }

    // chat.postMessage: HTTP 200 and {"ok":false,"error":...} for API-level errors.
    private void webApi(HttpExchange exchange, Received r) throws IOException {
        String auth = r.header("Authorization");
        String error;
        if (!r.path().equals("/api/chat.postMessage")) {
            send(exchange, 404, "text/plain", "Not Found");
            return;
        } else if (auth == null) {
            error = "not_authed";
        } else if (!auth.equals("Bearer " + TOKEN)) {
            error = "invalid_auth";
        } else if (!hasText(r)) {
            error = "no_text";
        } else if (!CHANNEL.equals(r.json().path("channel").asText())) {
            error = "channel_not_found";
        } else if (r.json().has("thread_ts") && !posted.contains(r.json().path("thread_ts").asText())) {
            // A reply must name a message of this channel (its ts as chat.postMessage answered).
            error = "thread_not_found";
        } else if (r.json().has("reply_broadcast")
                && (!r.json().path("reply_broadcast").isBoolean() || !r.json().has("thread_ts"))) {
            // reply_broadcast is a boolean and only means something for a reply in a thread.
            error = "invalid_arguments";
        } else {
            String ts = String.format("1700000000.%06d", nextTs.incrementAndGet());
            posted.add(ts);
            send(exchange, 200, "application/json; charset=utf-8",
                    "{\"ok\":true,\"channel\":\"" + CHANNEL_ID + "\",\"ts\":\"" + ts + "\"}");
            return;
        }
        send(exchange, 200, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"" + error + "\"}");
    }

    private static boolean hasText(Received r) {
        try {
            JsonNode json = JSON.readTree(r.body());
            return json != null && (json.hasNonNull("text") || json.hasNonNull("attachments"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
