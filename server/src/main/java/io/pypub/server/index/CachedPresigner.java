package io.pypub.server.index;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands out the same presigned link for an object for a while instead of signing on every download: the
 * signature (SigV4: canonical request, four HMACs, the URL) was most of a REDIRECT download's cost. A link is
 * signed for the requested validity plus the reuse window and handed out only within that window, so every
 * link handed out is still valid for at least the requested time (X-Amz-Date counts whole seconds, so the
 * window is measured from the second the link was signed in). Only the signing is reused: the access check,
 * the download count and the audit line run for every request before the index asks for a link.
 */
public final class CachedPresigner implements Presigner {
    /** Links of more objects than this are signed again when next asked for (the oldest go first). */
    static final int MAX_LINKS = 1_000;
    /** At most this long, and at most a fifth of the requested validity, so a link never lives much longer than asked. */
    static final Duration MAX_REUSE = Duration.ofMinutes(1);
    /** SigV4's limit on a presigned link's validity. */
    private static final Duration MAX_VALIDITY = Duration.ofDays(7);

    private final Presigner signer;
    private final Clock clock;
    private final Map<Link, Signed> links = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Link, Signed> eldest) {
            return size() > MAX_LINKS;
        }
    };

    public CachedPresigner(Presigner signer, Clock clock) {
        this.signer = signer;
        this.clock = clock;
    }

    @Override
    public String presignGet(String bucket, String key, String contentDisposition, Duration ttl) {
        Duration reuse = reuseWindow(ttl);
        if (reuse.isZero()) {
            return signer.presignGet(bucket, key, contentDisposition, ttl);
        }
        Link link = new Link(bucket, key, contentDisposition, ttl);
        Instant now = clock.instant();
        synchronized (links) {
            Signed signed = links.get(link);
            if (signed != null && now.isBefore(signed.handOutUntil())) {
                return signed.url();
            }
        }
        // Read before signing: the signer's clock can only be later, so its link only lives longer than counted here.
        Instant signedIn = now.truncatedTo(ChronoUnit.SECONDS);
        String url = signer.presignGet(bucket, key, contentDisposition, ttl.plus(reuse));
        synchronized (links) {
            links.remove(link); // re-inserted last, so the eldest entry is always the one signed longest ago
            links.put(link, new Signed(url, signedIn.plus(reuse)));
        }
        return url;
    }

    /** How long a link for {@code ttl} is handed out: a fifth of it, at most a minute, and none past SigV4's 7 days. */
    static Duration reuseWindow(Duration ttl) {
        Duration window = ttl.dividedBy(5);
        if (window.compareTo(MAX_REUSE) > 0) {
            window = MAX_REUSE;
        }
        Duration room = MAX_VALIDITY.minus(ttl);
        if (window.compareTo(room) > 0) {
            window = room;
        }
        return window.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ZERO : window.truncatedTo(ChronoUnit.SECONDS);
    }

    private record Link(String bucket, String key, String contentDisposition, Duration ttl) {}

    private record Signed(String url, Instant handOutUntil) {}
}
