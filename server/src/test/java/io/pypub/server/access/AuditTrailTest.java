package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.release.ReleaseFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One JSON line per request with who, what and how much; and `pypub audit` answering "what did client X download". */
class AuditTrailTest {
    private static AccessFixture index;
    private static ReleaseFile sdist;

    @BeforeAll
    static void publish() {
        index = new AccessFixture(AccessSettings.enforcing().withCacheTtl(AccessFixture.CACHE_TTL).withTrustedProxies(List.of("127.0.0.0/8")));
        sdist = index.publish("hello-package", "dev").release().primaryFile();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    /** The request's audit line; a streamed download's is written when the stream closes, just after the client has it all. */
    private static JsonNode line(HttpResponse<byte[]> r) throws InterruptedException {
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        for (int i = 0; i < 100; i++) {
            var found = index.logs.audit().stream().filter(a -> a.path("request_id").asText().equals(id)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no audit line for request " + id);
    }

    @Test
    void aDownloadIsOneLineWithKeyClientFileBytesAndNoSecretInThePath() throws Exception {
        String key = index.createKey("--client", "globex", "--stages", "dev");
        HttpResponse<byte[]> r = index.get("/dev/files/hello-package/0.1.0/" + sdist.filename() + "?key=" + key + "&x=1",
                "X-Forwarded-For", "203.0.113.9, 127.0.0.7", "User-Agent", "pip/23.2.1");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode a = line(r);
        assertThat(a.path("time").asText()).endsWith("Z");
        assertThat(a.path("client_ip").asText()).isEqualTo("203.0.113.9"); // the peer 127.0.0.1 is a trusted proxy
        assertThat(a.path("peer_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(a.path("method").asText()).isEqualTo("GET");
        assertThat(a.path("path").asText()).isEqualTo("/dev/files/hello-package/0.1.0/" + sdist.filename() + "?x=1");
        assertThat(a.path("status").asInt()).isEqualTo(200);
        assertThat(a.path("bytes").asLong()).isEqualTo(sdist.size());
        assertThat(a.path("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(a.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
        assertThat(a.path("client").asText()).isEqualTo("globex");
        assertThat(a.path("stage").asText()).isEqualTo("dev");
        assertThat(a.path("project").asText()).isEqualTo("hello-package");
        assertThat(a.path("version").asText()).isEqualTo("0.1.0");
        assertThat(a.path("file").asText()).isEqualTo(sdist.filename());
        assertThat(a.path("download").asBoolean()).isTrue();
        assertThat(a.path("user_agent").asText()).isEqualTo("pip/23.2.1");

        // The direct URL's file is known only after routing; it is logged all the same.
        JsonNode direct = line(index.get("/dev/hello-package/latest", "Authorization", "Bearer " + key));
        assertThat(direct.path("file").asText()).isEqualTo(sdist.filename());
        assertThat(direct.path("download").asBoolean()).isTrue();

        // A page is not a download; a refused request names the refused key.
        assertThat(line(index.get("/dev/simple/", "Authorization", "Bearer " + key)).has("download")).isFalse();
        JsonNode refused = line(index.get("/prod/simple/", "Authorization", "Bearer " + key));
        assertThat(refused.path("status").asInt()).isEqualTo(403);
        assertThat(refused.path("key_id").asText()).isEqualTo(AccessFixture.keyId(key));
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnored() throws Exception {
        TrustedProxies none = TrustedProxies.none();
        var request = new io.pypub.server.exchange.IndexRequest("GET", "/dev/simple/", java.util.Map.of(),
                java.util.Map.of("X-Forwarded-For", "198.51.100.1"), "192.0.2.44");
        assertThat(none.clientAddress(request)).isEqualTo("192.0.2.44");
        TrustedProxies lb = new TrustedProxies(List.of("192.0.2.0/24", "2001:db8::/32"));
        assertThat(lb.clientAddress(request)).isEqualTo("198.51.100.1");
        var spoofed = new io.pypub.server.exchange.IndexRequest("GET", "/", java.util.Map.of(),
                java.util.Map.of("X-Forwarded-For", "10.9.9.9, 198.51.100.1, 192.0.2.10"), "192.0.2.44");
        assertThat(lb.clientAddress(spoofed)).isEqualTo("198.51.100.1"); // the client may have written 10.9.9.9 itself
        var garbage = new io.pypub.server.exchange.IndexRequest("GET", "/", java.util.Map.of(),
                java.util.Map.of("X-Forwarded-For", "evil.example.com"), "192.0.2.44");
        assertThat(lb.clientAddress(garbage)).isEqualTo("192.0.2.44");
    }

    @Test
    void pypubAuditAnswersWhatAClientDownloadedThisMonth() throws Exception {
        String key = index.createKey("--client", "initech", "--stages", "dev");
        String other = index.createKey("--client", "umbrella", "--stages", "dev");
        for (int i = 0; i < 3; i++) {
            assertThat(index.get("/dev/hello-package/latest", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        }
        assertThat(index.get("/dev/hello-package/latest", "Authorization", "Bearer " + other).statusCode()).isEqualTo(200);
        assertThat(index.get("/dev/simple/hello-package/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        Path log = Files.createTempFile("audit", ".log");
        // A real log has other lines too: they are skipped.
        Files.writeString(log, "12:00:00 INFO some other logger line\n" + String.join("\n", index.logs.auditLines) + "\n");

        String month = YearMonth.now(ZoneOffset.UTC).toString();
        AccessFixture.CliResult r = index.cli(null, "audit", "--client", "initech", "--month", month, log.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("3 downloads by client 'initech' in " + month + ":")
                .contains("3  dev/hello-package/" + sdist.filename()).doesNotContain("umbrella");
        AccessFixture.CliResult json = index.cli(null, "audit", "--key", AccessFixture.keyId(key), "--month", month, "--json", log.toString());
        assertThat(json.stdout().strip().lines()).hasSize(3);
        assertThat(index.cli(null, "audit", "--client", "initech", "--month", "2001-01", log.toString()).stdout())
                .startsWith("0 downloads by client 'initech' in 2001-01:");
    }
}
