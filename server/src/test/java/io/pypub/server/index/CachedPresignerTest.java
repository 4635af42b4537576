package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * REDIRECT mode reuses a presigned link per object for a window: every link it hands out, even the last one of a
 * window, must still be valid for the configured time and download the object from the (embedded) S3 API. The
 * links are S3's presigner's own; the test moves only the clock that decides on reuse.
 */
class CachedPresignerTest {
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final String DISPOSITION = "attachment; filename=\"hello_package-0.1.0.tar.gz\"";
    private static final Pattern SIGNED_AT = Pattern.compile("[?&]X-Amz-Date=([0-9TZ]+)");
    private static final Pattern EXPIRES = Pattern.compile("[?&]X-Amz-Expires=([0-9]+)");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").withZone(ZoneOffset.UTC);

    private static Deployment deployment;
    private final AtomicInteger signed = new AtomicInteger();
    private final MovingClock clock = new MovingClock();

    @BeforeAll
    static void store() {
        deployment = TestEnvironment.get().newDeployment();
        deployment.store().put("blobs/a", "bytes of a".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        deployment.store().put("blobs/b", "bytes of b".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
    }

    @AfterAll
    static void close() {
        deployment.close();
    }

    private CachedPresigner presigner() {
        Presigner s3 = Presigner.of(deployment.clients());
        return new CachedPresigner((bucket, key, disposition, ttl) -> {
            signed.incrementAndGet();
            return s3.presignGet(bucket, key, disposition, ttl);
        }, clock);
    }

    private String link(CachedPresigner presigner, String key) {
        return presigner.presignGet(deployment.settings().bucket(), key, DISPOSITION, TTL);
    }

    @Test
    void theLastLinkOfAWindowIsStillValidForTheConfiguredTimeAndDownloads() throws Exception {
        CachedPresigner presigner = presigner();
        String first = link(presigner, "blobs/a");
        Duration window = CachedPresigner.reuseWindow(TTL);
        assertThat(window).isEqualTo(Duration.ofMinutes(1));

        // The last instant of the window: the link signed at its start is handed out once more.
        clock.now = clock.now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(window).minusMillis(1);
        String late = link(presigner, "blobs/a");

        assertThat(late).isEqualTo(first);
        assertThat(signed).hasValue(1);
        assertThat(validUntil(late)).isAfterOrEqualTo(clock.now.plus(TTL));
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(late)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo("bytes of a");
        assertThat(download.headers().firstValue("Content-Disposition")).hasValue(DISPOSITION);
    }

    @Test
    void aLinkIsSignedAgainAfterItsWindowAndPerObject() {
        CachedPresigner presigner = presigner();
        String a = link(presigner, "blobs/a");
        String b = link(presigner, "blobs/b");
        assertThat(b).isNotEqualTo(a).contains("blobs/b");
        assertThat(signed).hasValue(2);

        clock.now = clock.now.plus(CachedPresigner.reuseWindow(TTL)).plusSeconds(1);
        link(presigner, "blobs/a");
        assertThat(signed).hasValue(3);
        assertThat(presigner.presignGet(deployment.settings().bucket(), "blobs/a", null, TTL))
                .as("another Content-Disposition is another link").doesNotContain("response-content-disposition");
        assertThat(signed).hasValue(4);
    }

    @Test
    void atMostMaxLinksAreKeptAndTheOldestGoFirst() {
        CachedPresigner presigner = presigner();
        for (int i = 0; i <= CachedPresigner.MAX_LINKS; i++) {
            link(presigner, "blobs/" + i);
        }
        assertThat(signed).hasValue(CachedPresigner.MAX_LINKS + 1);
        link(presigner, "blobs/" + CachedPresigner.MAX_LINKS);
        assertThat(signed).as("the newest link is kept").hasValue(CachedPresigner.MAX_LINKS + 1);
        link(presigner, "blobs/0");
        assertThat(signed).as("the oldest was dropped").hasValue(CachedPresigner.MAX_LINKS + 2);
    }

    @Test
    void validitiesWithoutRoomForAWindowAreSignedOnEveryRequest() {
        assertThat(CachedPresigner.reuseWindow(Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(24));
        assertThat(CachedPresigner.reuseWindow(Duration.ofSeconds(2))).isZero();
        assertThat(CachedPresigner.reuseWindow(Duration.ofDays(7))).as("SigV4's limit").isZero();
        assertThat(CachedPresigner.reuseWindow(Duration.ofDays(7).minusSeconds(30))).isEqualTo(Duration.ofSeconds(30));

        CachedPresigner presigner = presigner();
        Duration week = Duration.ofDays(7);
        String bucket = deployment.settings().bucket();
        String first = presigner.presignGet(bucket, "blobs/a", null, week);
        presigner.presignGet(bucket, "blobs/a", null, week);
        assertThat(signed).hasValue(2);
        assertThat(first).contains("X-Amz-Expires=" + week.toSeconds());
    }

    /** When S3 stops accepting the link: its signing time plus its validity, both from the link itself. */
    private static Instant validUntil(String url) {
        Matcher at = SIGNED_AT.matcher(url);
        Matcher expires = EXPIRES.matcher(url);
        assertThat(at.find()).as(url).isTrue();
        assertThat(expires.find()).as(url).isTrue();
        return Instant.from(AMZ_DATE.parse(at.group(1))).plusSeconds(Long.parseLong(expires.group(1)));
    }

    /** The clock that decides on reuse; S3's presigner signs with the real one. */
    private static final class MovingClock extends Clock {
        Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
