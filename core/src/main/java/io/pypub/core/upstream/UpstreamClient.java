package io.pypub.core.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Talks to upstream simple indexes: project pages (PEP 691 JSON preferred, PEP 503 HTML accepted)
 * and files. Redirects are followed by hand so credentials go only to the upstream's own origin.
 */
public final class UpstreamClient {
    static final String ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
    private static final int MAX_REDIRECTS = 5;
    private final HttpClient http;
    private final Duration timeout;

    public UpstreamClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The project's page on this upstream; empty when the upstream does not have it (404/410).
     *
     * @throws UpstreamException when the upstream is down, slow, answers another status or an unreadable page
     */
    public Optional<UpstreamProject> project(UpstreamUrl upstream, String normalizedProject) {
        HttpResponse<byte[]> r = send(upstream, upstream.projectPage(normalizedProject), ACCEPT, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404 || r.statusCode() == 410) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new UpstreamException("upstream " + upstream.redacted() + " answered " + r.statusCode() + " for " + normalizedProject,
                    r.statusCode() >= 500);
        }
        try {
            return Optional.of(SimplePageParser.parse(normalizedProject, upstream.redacted(), r.uri(),
                    r.headers().firstValue("Content-Type").orElse("text/html"), r.body()));
        } catch (IOException | RuntimeException e) {
            throw new UpstreamException("upstream " + upstream.redacted() + " sent an unreadable page for " + normalizedProject);
        }
    }

    /** A downloaded file: where it is, its sha256 and size. */
    public record Fetched(Path file, String sha256, long size) {}

    /**
     * Downloads {@code url} into {@code target}, computing its sha256 on the way.
     *
     * @throws UpstreamException when the upstream fails, or the file is not there
     */
    public Fetched download(UpstreamUrl upstream, URI url, Path target, long maxBytes) {
        HttpResponse<InputStream> r = send(upstream, url, "*/*", HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new UpstreamException("upstream " + upstream.redacted() + " answered " + r.statusCode() + " for a file");
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = 0;
            byte[] buf = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw new UpstreamException("upstream file larger than " + maxBytes + " bytes");
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            return new Fetched(target, HexFormat.of().formatHex(sha.digest()), size);
        } catch (IOException e) {
            throw new UpstreamException("upstream " + upstream.redacted() + " failed while sending a file: " + e.getClass().getSimpleName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The size of a file, from a HEAD request's Content-Length (PEP 700 makes {@code size} mandatory in JSON
     * pages, and an HTML upstream does not say it); empty when the upstream does not tell.
     */
    public java.util.OptionalLong size(UpstreamUrl upstream, URI url) {
        try {
            HttpResponse<Void> r = send(upstream, url, "*/*", HttpResponse.BodyHandlers.discarding(), "HEAD");
            if (r.statusCode() != 200) {
                return java.util.OptionalLong.empty();
            }
            long n = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            return n >= 0 ? java.util.OptionalLong.of(n) : java.util.OptionalLong.empty();
        } catch (UpstreamException e) {
            return java.util.OptionalLong.empty();
        }
    }

    private <T> HttpResponse<T> send(UpstreamUrl upstream, URI url, String accept, HttpResponse.BodyHandler<T> handler) {
        return send(upstream, url, accept, handler, "GET");
    }

    private <T> HttpResponse<T> send(UpstreamUrl upstream, URI url, String accept, HttpResponse.BodyHandler<T> handler, String method) {
        URI target = url;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout).header("Accept", accept)
                    .header("User-Agent", "pypub-upstream");
            String auth = upstream.authorizationFor(target);
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<T> r;
            try {
                r = http.send(b.method(method, HttpRequest.BodyPublishers.noBody()).build(), handler);
            } catch (IOException e) {
                throw new UpstreamException("upstream " + upstream.redacted() + " not reachable: "
                        + (e instanceof java.net.http.HttpTimeoutException ? "timed out after " + timeout.toMillis() + " ms"
                        : e.getClass().getSimpleName()), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException("interrupted while asking upstream " + upstream.redacted());
            }
            int s = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent() && hop < MAX_REDIRECTS) {
                if (r.body() instanceof InputStream in) {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // nothing to do
                    }
                }
                target = target.resolve(location.get());
                continue;
            }
            return r;
        }
    }
}
