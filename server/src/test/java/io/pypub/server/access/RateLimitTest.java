package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pypub.core.python.PythonEnvironment;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A key limited to 1 request/s with a burst of 1 gets 429 + Retry-After, and pip, which honours
 * Retry-After on 429 (urllib3, up to 5 retries per request), still installs. Documented bound:
 * an install of one package (page, metadata, wheel) finishes within 30 s at this rate.
 */
class RateLimitTest {
    static final Duration PIP_BOUND = Duration.ofSeconds(30);
    private static AccessFixture index;

    @BeforeAll
    static void publish() {
        index = new AccessFixture();
        index.publish("hello-package", "dev");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void aThrottledKeyGets429WithRetryAfter() throws Exception {
        String key = index.createKey("--client", "eager", "--stages", "dev", "--rate", "1/s", "--burst", "1");
        assertThat(index.get("/dev/simple/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> second = index.get("/dev/simple/", "Authorization", "Bearer " + key);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(new String(second.body())).isEqualTo("Too many requests: rate limit of 1 requests per second\n");
        Thread.sleep(1100);
        assertThat(index.get("/dev/simple/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
    }

    @Test
    void pipRetriesAfter429AndStillInstallsWithinTheDocumentedTime() {
        String key = index.createKey("--client", "slow-pip", "--stages", "dev", "--rate", "1/s", "--burst", "1");
        PythonEnvironment venv = index.env.freshClientVenv();
        long start = System.nanoTime();
        AccessFixture.Run install = index.pip(venv, "install", "--index-url", AccessFixture.withKey(index.server(), key, "/dev/simple/"),
                "hello-package");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(install.output()).contains("Successfully installed hello-package-0.1.0");
        assertThat(took).isLessThan(PIP_BOUND);
        List<JsonNode> mine = index.logs.audit().stream().filter(a -> AccessFixture.keyId(key).equals(a.path("key_id").asText())).toList();
        assertThat(mine).anySatisfy(a -> assertThat(a.path("status").asInt()).isEqualTo(429));
        assertThat(mine).anySatisfy(a -> assertThat(a.path("download").asBoolean()).isTrue());
        System.out.println("pip install at 1 request/s took " + took.toMillis() + " ms with "
                + mine.stream().filter(a -> a.path("status").asInt() == 429).count() + " answers 429");
    }
}
