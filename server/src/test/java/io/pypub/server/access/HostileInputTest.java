package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malicious paths, headers, credentials and names, sent as raw bytes (a well-behaved HTTP client
 * would refuse to send most of them): every answer is 4xx, no request causes a 5xx or a stack
 * trace, and the server is healthy afterwards.
 */
class HostileInputTest {
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void publish() {
        // A high failed-login limit, so the checks below see each request's own answer rather than the throttle's 429.
        index = new AccessFixture(AccessSettings.enforcing().withCacheTtl(AccessFixture.CACHE_TTL)
                .withFailedAuthLimit(10_000, java.time.Duration.ofMinutes(1)));
        index.publish("hello-package", "dev");
        key = index.createKey("--client", "target", "--stages", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    static final List<String> PATHS = List.of(
            "/../../etc/passwd",
            "/dev/../../etc/passwd",
            "/dev/simple/../../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/dev/%2e%2e/%2e%2e/etc/passwd",
            "/dev/simple/..%2f..%2fetc%2fpasswd/",
            "/dev/files/hello-package/0.1.0/..%2f..%2f..%2fetc%2fpasswd",
            "/dev/docs/hello-package/latest/..%5c..%5cwindows%5cwin.ini",
            "/dev/docs/hello-package/latest/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/dev/simple/%252e%252e/%252e%252e/etc/passwd/",
            "/dev/simple/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd/",
            "/dev/simple/hello-package%00.html/",
            "/dev/files/hello-package/0.1.0/x.whl%00.txt",
            "/dev/%0d%0aSet-Cookie:%20evil=1/latest",
            "/dev/simple/" + "a".repeat(3000) + "/",
            "/dev/simple/" + "b/".repeat(1500),
            "/" + "x".repeat(20_000),
            "/dev/simple/'%20OR%201=1%20--/",
            "/dev/simple/%22%3B%20DROP%20TABLE%20versions%3B%20--/",
            "/dev/simple/%7B%22$ne%22:null%7D/",
            "/dev/simple/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
            "/dev/simple/?key=%00",
            "/dev/simple/?key=pypub_aaaaaaaaaa_%0d%0aX-Injected:%201",
            "/dev/simple/?key='%20OR%20'1'='1",
            "/dev/simple/?key=%7B%22$gt%22:%22%22%7D",
            "/dev/simple/?key=" + "k".repeat(5000),
            "/dev/hello-package/latest?key=pypub_%2e%2e_x",
            "/healthz/../dev/simple/",
            "/metrics/../dev/files/hello-package/0.1.0/hello_package-0.1.0.tar.gz",
            "//dev//simple//",
            "/dev\\simple\\",
            "/\u00e9\u00e8/simple/",
            "*",
            "http://evil.example/dev/simple/");

    static Map<String, List<String>> headerAttacks() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("huge header", List.of("X-Big: " + "A".repeat(20_000)));
        h.put("many headers", java.util.stream.IntStream.range(0, 400).mapToObj(i -> "X-H" + i + ": " + "v".repeat(40)).toList());
        h.put("bad base64", List.of("Authorization: Basic !!!not-base64!!!"));
        h.put("no colon", List.of("Authorization: Basic " + b64("just-a-user")));
        h.put("not utf-8", List.of("Authorization: Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, ':', 'x'})));
        h.put("control chars in basic", List.of("Authorization: Basic " + b64("__token__:pypub_aaaaaaaaaa_\u0007\u0000")));
        h.put("key with control char", List.of("Authorization: Bearer pypub_aaaaaaaaaa_\u0001abc"));
        h.put("sql in bearer", List.of("Authorization: Bearer ' OR 1=1 --"));
        h.put("json in bearer", List.of("Authorization: Bearer {\"$gt\":\"\"}"));
        h.put("empty bearer", List.of("Authorization: Bearer "));
        h.put("other scheme", List.of("Authorization: Digest username=\"admin\""));
        h.put("long key", List.of("Authorization: Bearer pypub_" + "a".repeat(6000)));
        h.put("forged forwarded-for", List.of("X-Forwarded-For: 127.0.0.1, evil.example.com, ::1%eth0"));
        h.put("forged request id", List.of("X-Request-Id: abc\u000b\u000cdef"));
        h.put("header injection", List.of("Accept: text/html\r\nX-Injected: 1"));
        h.put("smuggling", List.of("Content-Length: 5", "Transfer-Encoding: chunked"));
        h.put("sql docs login", List.of("Authorization: Basic " + b64("admin' --:' OR '1'='1")));
        h.put("right key, wrong stage in user", List.of("Authorization: Basic " + b64("{\"user\":\"admin\"}:wrong")));
        return h;
    }

    @Test
    void everyMaliciousRequestGets4xxAndTheServerStaysHealthy() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String path : PATHS) {
            check(problems, "GET " + path, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            check(problems, "GET " + path + " with key",
                    "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n");
        }
        for (var e : headerAttacks().entrySet()) {
            for (String path : List.of("/dev/simple/", "/dev/docs/hello-package/latest/")) {
                String request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + String.join("\r\n", e.getValue())
                        + "\r\nConnection: close\r\n\r\n";
                // What arrives as "Accept: text/html" without credentials is a browser on docs: sent to sign-in (SignInTest).
                boolean browserOnDocs = path.contains("/docs/") && e.getValue().get(0).startsWith("Accept: text/html");
                if (browserOnDocs) {
                    int status = send(request);
                    if (status != 303) {
                        problems.add(e.getKey() + " on " + path + " -> " + status + " (a browser without credentials: 303 to sign-in)");
                    }
                } else {
                    check(problems, e.getKey() + " on " + path, request);
                }
            }
        }
        for (String name : List.of("../../etc", "a b", "ünïcödé", "x".repeat(300), "%00", "'; DROP TABLE --", "{\"$ne\":1}")) {
            String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8);
            check(problems, "project " + name, "GET /dev/simple/" + encoded + "/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nConnection: close\r\n\r\n");
            check(problems, "stage " + name, "GET /" + encoded + "/simple/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        check(problems, "garbage request line", "\u0001\u0002 NOT HTTP\r\n\r\n");
        check(problems, "lowercase method", "get /dev/simple/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        check(problems, "TRACE", "TRACE /dev/simple/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        check(problems, "POST with key", "POST /dev/simple/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        check(problems, "no Host", "GET /dev/simple/ HTTP/1.1\r\nConnection: close\r\n\r\n");

        assertThat(problems).as("requests not answered with 4xx").isEmpty();
        assertThat(index.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(index.get("/dev/simple/hello-package/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        assertThat(index.logs.all()).doesNotContain("Unexpected error").doesNotContain("Exception");
        assertThat(index.logs.audit()).noneSatisfy(a -> assertThat(a.path("status").asInt()).isGreaterThanOrEqualTo(500));
    }

    private static void check(List<String> problems, String what, String request) {
        int status = send(request);
        if (status < 400 || status > 499) {
            problems.add(what + " -> " + status);
        }
    }

    /** Sends raw bytes and returns the status code of the answer (-1 if the server closed without one). */
    static int send(String request) {
        try (Socket s = new Socket("127.0.0.1", index.server().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading a huge request: read what it said
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                head.write(b);
            }
            String statusLine = head.toString(StandardCharsets.ISO_8859_1);
            String[] parts = statusLine.split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
