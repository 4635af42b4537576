package io.pypub.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.DistFilename;
import io.pypub.core.storage.FileDigest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads the sdists and wheels of another simple index (PEP 691 JSON; pypiserver, devpi,
 * Artifactory, another pypub) into a folder, each checked against the sha256 the index states,
 * so {@link ReleaseImporter} can bring them in like any other folder.
 */
public final class SimpleIndexMirror {
    private static final String JSON_TYPE = "application/vnd.pypi.simple.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int MAX_REDIRECTS = 5;

    /** Redirects are followed here, not by the client, so credentials go only to the index's own origin. */
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final IndexCredentials credentials;
    /** Of the current download: where credentials may go, and which. */
    private URI origin;
    private IndexCredentials auth;

    /** Projects downloaded at once. */
    private final int parallel;

    public SimpleIndexMirror() {
        this(null);
    }

    /** @param credentials sent (HTTP Basic) to the index's own scheme, host and port only; null for none */
    public SimpleIndexMirror(IndexCredentials credentials) {
        this(credentials, ReleaseImporter.defaultParallel());
    }

    /** @param parallel projects downloaded at once (the import-parallel setting) */
    public SimpleIndexMirror(IndexCredentials credentials, int parallel) {
        this.credentials = credentials;
        this.parallel = BoundedParallel.checked(parallel);
    }

    /**
     * @param indexUrl the index's simple root, e.g. {@code https://pypi.internal/simple/}; credentials in its
     *                 user-info are used (unless given to the constructor) and never printed
     * @param projects projects to copy; empty means every project the index lists
     * @return how many files were downloaded into {@code dir}
     */
    public int download(URI indexUrl, List<String> projects, Path dir, PublishLog log) {
        IndexCredentials fromUrl = IndexCredentials.fromUserInfo(indexUrl).orElse(null);
        URI plain = IndexCredentials.withoutUserInfo(indexUrl);
        String base = plain.toString().endsWith("/") ? plain.toString() : plain + "/";
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new IllegalArgumentException("Not an index URL: " + ProjectName.printable(base) + " (use http:// or https://)");
        }
        if (plain.getHost() == null) {
            throw new IllegalArgumentException("Not an index URL (no host): " + ProjectName.printable(base));
        }
        if (fromUrl != null && credentials != null) {
            throw new IllegalArgumentException("Credentials both in the URL and from stdin or netrc: give them one way");
        }
        origin = URI.create(plain.getScheme() + "://" + plain.getRawAuthority() + "/");
        IndexCredentials auth = fromUrl != null ? fromUrl : credentials;
        return download(base, auth, projects, dir, log);
    }

    private int download(String base, IndexCredentials auth, List<String> projects, Path dir, PublishLog log) {
        this.auth = auth;
        List<String> names = new ArrayList<>(projects);
        if (names.isEmpty()) {
            getJson(URI.create(base)).path("projects").forEach(p -> names.add(p.path("name").asText()));
        }
        for (String name : names) {
            if (!ProjectName.isValid(name)) {
                throw new IllegalArgumentException("The index lists an invalid project name: " + ProjectName.printable(name));
            }
        }
        AtomicInteger count = new AtomicInteger();
        // Projects in parallel; the first failure stops the download (and so the import) before anything is written.
        BoundedParallel.map(names, parallel, "pypub-download", name -> downloadProject(base, name, dir, count, log));
        return count.get();
    }

    private Void downloadProject(String base, String name, Path dir, AtomicInteger count, PublishLog log) {
        URI page = URI.create(base + ProjectName.normalize(name) + "/");
        for (JsonNode file : getJson(page).path("files")) {
            String filename = file.path("filename").asText();
            DistFilename.parse(filename); // refuses path separators and anything that is not a distribution
            if (!filename.endsWith(".tar.gz") && !filename.endsWith(".whl")) {
                log.warn("skipping " + filename + ": only .tar.gz sdists and wheels are imported");
                continue;
            }
            String sha256 = file.path("hashes").path("sha256").asText(null);
            if (sha256 == null) {
                throw new IllegalStateException(safe(page) + " gives no sha256 for " + filename + ": refusing to import unverified bytes");
            }
            fetch(page.resolve(file.path("url").asText()), dir.resolve(filename), sha256);
            log.info("downloaded " + filename + " (" + count.incrementAndGet() + ")");
        }
        return null;
    }

    /** Sends a GET, following redirects itself; the Authorization header goes only to the index's origin. */
    private <T> HttpResponse<T> get(URI uri, String accept, Duration timeout, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        URI at = uri;
        for (int hop = 0; ; hop++) {
            if (at.getRawUserInfo() != null) {
                throw new IllegalStateException("The index links to a URL with credentials in it (" + safe(at) + "): refused");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(at).timeout(timeout);
            if (accept != null) {
                b.header("Accept", accept);
            }
            if (auth != null && sameOrigin(at)) {
                b.header("Authorization", auth.authorization());
            }
            HttpResponse<T> r = http.send(b.build(), body);
            int status = r.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return r;
            }
            if (r.body() instanceof InputStream in) {
                in.close();
            }
            String location = r.headers().firstValue("Location").orElse(null);
            if (location == null || hop >= MAX_REDIRECTS) {
                throw new IllegalStateException(safe(at) + " answered HTTP " + status + (location == null ? " without a Location"
                        : " too many times in a row"));
            }
            at = at.resolve(location);
        }
    }

    private boolean sameOrigin(URI u) {
        return origin != null && origin.getScheme().equalsIgnoreCase(u.getScheme()) && origin.getHost() != null
                && origin.getHost().equalsIgnoreCase(u.getHost()) && port(origin) == port(u);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** A URL as it may be printed: no user-info, no query (which may carry ?key=). */
    static String safe(URI u) {
        String s = IndexCredentials.withoutUserInfo(u).toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?[query hidden]";
    }

    private String statusProblem(URI uri, int status) {
        String what = safe(uri) + " answered HTTP " + status;
        if (status == 401 || status == 403) {
            return what + (auth == null
                    ? ": the index wants credentials. Give them in the URL (https://__token__:KEY@host/...), in ~/.netrc "
                            + "(machine HOST login __token__ password KEY) or with --password-stdin"
                    : ": the credentials for user '" + auth.username() + "' were not accepted");
        }
        return what;
    }

    private JsonNode getJson(URI uri) {
        try {
            HttpResponse<byte[]> r = get(uri, JSON_TYPE, Duration.ofSeconds(30), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(statusProblem(uri, r.statusCode()));
            }
            if (!r.headers().firstValue("Content-Type").orElse("").startsWith(JSON_TYPE)) {
                throw new IllegalStateException(safe(uri) + " does not speak the PEP 691 JSON simple API (Content-Type "
                        + r.headers().firstValue("Content-Type").orElse("none") + ")");
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + safe(uri) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading " + safe(uri), e);
        }
    }

    private void fetch(URI uri, Path target, String sha256) {
        Path part = null;
        boolean moved = false;
        try {
            // A name of its own (hidden, so never imported): two projects listing one file name never share a partial file.
            part = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
            HttpResponse<InputStream> r = get(uri, null, Duration.ofMinutes(10), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IllegalStateException(statusProblem(uri, r.statusCode()));
            }
            try (InputStream in = r.body()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = FileDigest.of(part).sha256();
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new IllegalStateException(target.getFileName() + " from " + uri.getHost() + " has sha256 " + actual
                        + " but the index says " + sha256 + ": nothing was imported");
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot download " + target.getFileName() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted downloading " + target.getFileName(), e);
        } finally {
            if (part != null && !moved) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // a hidden leftover in the import's temporary folder: never imported, deleted with the folder
                }
            }
        }
    }
}
