package io.pypub.server.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.release.DistFilename;
import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.upstream.UpstreamClient;
import io.pypub.core.upstream.UpstreamException;
import io.pypub.core.upstream.UpstreamProject;
import io.pypub.core.upstream.UpstreamRecords;
import io.pypub.core.upstream.UpstreamRecords.CachedFile;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.core.upstream.UpstreamUrl;
import io.pypub.core.version.Version;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects a stage takes from its upstream (issue 14). {@link IndexService} asks here only for names
 * that are not private: a project that exists in the stage never gets this far, and this class
 * refuses names matching the stage's private patterns or reserved with {@code pypub names reserve}.
 * The whole project comes from the first upstream that has it (no merging of versions).
 *
 * <p>Pages are fetched once per TTL per instance (one fetch per project at a time), kept as the last
 * good copy in memory and in S3, and served from that copy, marked stale, while the upstream fails.
 * In cache mode a file is fetched once, verified against the upstream's sha256, stored under
 * {@code upstream/} and recorded; from then on it is served from S3 and the page shows its recorded
 * hash, whatever the upstream does. In redirect mode a file is a 302 to the upstream's URL.
 */
public final class UpstreamIndex {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamIndex.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Header naming where a response came from; the audit line reads it ({@code source: upstream}). */
    public static final String SOURCE_HEADER = "X-Pypub-Source";
    static final String STALE_HEADER = "X-Pypub-Upstream";
    private static final long BACKOFF_NANOS = 5_000_000_000L;
    private static final long MAX_FILE_BYTES = 2L << 30;
    private static final int MAX_ENTRIES = 10_000;
    private static final long RESERVED_TTL_NANOS = 2_000_000_000L;

    /** How the index serves an object of its bucket (streamed or presigned, as for private files). */
    @FunctionalInterface
    interface StoredObjects {
        IndexResponse serve(String key, String contentType, long size, IndexRequest request);
    }

    /** One project as served: the upstream's page (null when it has none), the cached files, and where it came from. */
    private record View(UpstreamProject page, UpstreamUrl source, Map<String, CachedFile> cached, List<UpstreamProject.File> files,
            String displayName) {}

    private record Entry(View view, long fetchedNanos) {}

    private record Reserved(Set<String> names, long readNanos) {}

    private final UpstreamSettings settings;
    private final UpstreamClient client;
    private final UpstreamRecords records;
    private final ArtifactStore store;
    private final String prefix;
    private final StoredObjects objects;
    private final UpstreamMetrics metrics;
    private final RenderedPages rendered = new RenderedPages();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.locks.ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Long> downUntil = new ConcurrentHashMap<>();
    private final Map<String, Reserved> reserved = new ConcurrentHashMap<>();

    UpstreamIndex(UpstreamSettings settings, UpstreamRecords records, ArtifactStore store, String prefix, StoredObjects objects,
            UpstreamMetrics metrics) {
        this.settings = settings;
        this.client = new UpstreamClient(settings.timeout());
        this.records = records;
        this.store = store;
        this.prefix = prefix == null ? "" : prefix;
        this.objects = objects;
        this.metrics = metrics;
    }

    UpstreamSettings settings() {
        return settings;
    }

    /** Whether the stage has an upstream at all. */
    boolean enabled(Stage stage) {
        return settings.forStage(stage).isPresent();
    }

    /** What the stage page shows of the stage's upstreams (URLs without credentials), or null when it has none. */
    io.pypub.server.pages.HumanPages.Upstreams summary(Stage stage) {
        return settings.forStage(stage).map(s -> new io.pypub.server.pages.HumanPages.Upstreams(
                s.urls().stream().map(u -> u.base().toString()).toList(), s.mode().name().toLowerCase(java.util.Locale.ROOT),
                settings.privatePatternsOf(stage.name()), reservedNames(stage).size())).orElse(null);
    }

    /** A name the upstream is never asked about: it matches a private pattern or is reserved. */
    boolean privateByName(Stage stage, String project) {
        return settings.matchesPrivatePattern(stage, project) || reservedNames(stage).contains(project);
    }

    private Set<String> reservedNames(Stage stage) {
        Reserved r = reserved.get(stage.name());
        long now = System.nanoTime();
        if (r == null || now - r.readNanos() > RESERVED_TTL_NANOS) {
            Set<String> names = new TreeSet<>();
            records.reserved(stage).forEach(x -> names.add(x.project()));
            r = new Reserved(names, now);
            reserved.put(stage.name(), r);
        }
        return r.names();
    }

    /** The project page from the upstream, rewritten to this index's URLs; the caller has checked the name is not in the stage. */
    IndexResponse page(IndexRequest request, IndexRoute.SimpleProject route, SimpleFormat format, String linkQuery) {
        Stage stage = route.stage();
        String project = route.project();
        if (!enabled(stage) || privateByName(stage, project)) {
            return IndexResponse.text(404, "Not found");
        }
        Fetch fetch;
        try {
            fetch = view(stage, project);
        } catch (UpstreamException e) {
            return unavailable(e, project);
        }
        View view = fetch.view();
        if (view.files().isEmpty()) {
            return IndexResponse.text(404, "Not found").header(SOURCE_HEADER, "upstream");
        }
        RenderedPages.Page page = rendered.get(stage + " " + project + " " + format + " " + linkQuery, view,
                () -> render(stage, project, view, format, linkQuery));
        IndexResponse response = IndexService.page(request, format, page).header(SOURCE_HEADER, "upstream");
        if (fetch.staleReason() != null) {
            response.header("Warning", "110 pypub \"Response is Stale\"")
                    .header(STALE_HEADER, "stale; the upstream did not answer (" + fetch.staleReason() + "); last good copy");
        }
        return response;
    }

    /** An upstream file (or its PEP 658 metadata): from the cache, fetched and verified now, or a redirect. */
    IndexResponse file(IndexRequest request, Stage stage, String project, String filename, boolean metadata) {
        Optional<UpstreamSettings.StageUpstreams> upstreams = settings.forStage(stage);
        if (upstreams.isEmpty() || privateByName(stage, project)) {
            return IndexResponse.text(404, "Not found");
        }
        String name = metadata ? filename + ".metadata" : filename;
        String contentType = metadata ? "text/plain; charset=utf-8" : "application/octet-stream";
        boolean cacheMode = upstreams.get().mode() == UpstreamSettings.Mode.CACHE;
        if (cacheMode) {
            Optional<CachedFile> cached = records.cached(stage, project, name);
            if (cached.isPresent()) {
                metrics.file("hit");
                return objects.serve(cached.get().objectKey(), contentType, cached.get().size(), request).header(SOURCE_HEADER, "upstream");
            }
        }
        View view;
        try {
            view = view(stage, project).view();
        } catch (UpstreamException e) {
            metrics.file("error");
            return unavailable(e, project);
        }
        Optional<UpstreamProject.File> listed = view.page() == null ? Optional.empty() : view.page().file(filename);
        if (listed.isEmpty() || !offered(listed.get())) {
            return IndexResponse.text(404, "Not found");
        }
        UpstreamProject.File f = listed.get();
        URI url = metadata ? URI.create(f.url().toString() + ".metadata") : f.url();
        String expected = metadata ? f.metadataSha256() : f.sha256();
        if (expected == null || expected.isEmpty()) {
            return IndexResponse.text(404, "Not found");
        }
        if (!cacheMode) {
            metrics.file("redirect");
            return IndexResponse.redirect(302, url.toString()).header("Cache-Control", "no-store").header(SOURCE_HEADER, "upstream");
        }
        if (request.method().equalsIgnoreCase("HEAD")) {
            // Not fetched for a HEAD: the page's size (a file's; metadata has none on pages) answers it.
            return (metadata || f.size() == null ? IndexResponse.bytes(200, contentType, new byte[0])
                    : IndexResponse.stream(contentType, f.size(), java.io.InputStream::nullInputStream)).header(SOURCE_HEADER, "upstream");
        }
        metrics.file("miss");
        CachedFile stored;
        try {
            stored = fetchAndStore(stage, project, name, view.source(), url, expected, metadata ? null : f.requiresPython());
        } catch (HashMismatch e) {
            metrics.file("refused");
            return IndexResponse.text(502, "Bad gateway: refused " + name + " from the upstream: " + e.getMessage())
                    .header(SOURCE_HEADER, "upstream");
        } catch (UpstreamException e) {
            metrics.file("error");
            metrics.error("file");
            LOG.warn("Upstream file {} of {} in stage {} not fetched: {}", name, project, stage, e.getMessage());
            return IndexResponse.text(502, "Bad gateway: " + name + " is not cached here and the upstream did not deliver it ("
                    + e.getMessage() + ")").header(SOURCE_HEADER, "upstream");
        }
        return objects.serve(stored.objectKey(), contentType, stored.size(), request).header(SOURCE_HEADER, "upstream");
    }

    private static final class HashMismatch extends UpstreamException {
        HashMismatch(String message) {
            super(message);
        }
    }

    private CachedFile fetchAndStore(Stage stage, String project, String name, UpstreamUrl source, URI url, String expected,
            String requiresPython) {
        Path tmp;
        try {
            tmp = Files.createTempFile("pypub-upstream-", ".part");
        } catch (IOException e) {
            throw new UpstreamException("no room for a temporary file: " + e.getMessage());
        }
        try {
            long start = System.nanoTime();
            UpstreamClient.Fetched fetched;
            try {
                fetched = client.download(source, url, tmp, MAX_FILE_BYTES);
            } finally {
                metrics.fetched("file", System.nanoTime() - start);
            }
            if (!fetched.sha256().equals(expected)) {
                metrics.error("file");
                LOG.error("Upstream integrity error: {} of {} in stage {} from {} has sha256 {}, the upstream's page says {}; refused",
                        name, project, stage, source.redacted(), fetched.sha256(), expected);
                throw new HashMismatch("its sha256 is " + fetched.sha256() + " but the upstream's page says " + expected);
            }
            String key = prefix + "upstream/" + stage + "/" + project + "/" + expected + "/" + name;
            store.put(key, tmp, name.endsWith(".metadata") ? "text/plain; charset=utf-8" : "application/octet-stream");
            CachedFile held = records.record(stage, project, new CachedFile(name, key, expected, fetched.size(), source.redacted(),
                    Instant.now(), requiresPython));
            LOG.info("Cached upstream file {} of {} in stage {} ({} bytes, sha256 {})", name, project, stage, fetched.size(), expected);
            refreshCached(stage, project);
            return held;
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    /** After a file was cached: the page shows it with its recorded hash from now on. */
    private void refreshCached(Stage stage, String project) {
        String k = stage + " " + project;
        Entry e = entries.get(k);
        if (e != null) {
            Map<String, CachedFile> cached = records.cachedFiles(stage, project);
            entries.put(k, new Entry(merge(project, e.view().page(), e.view().source(), cached), e.fetchedNanos()));
        }
    }

    private IndexResponse unavailable(UpstreamException e, String project) {
        return IndexResponse.text(502, "Bad gateway: " + project + " comes from the upstream, which is unavailable and "
                + "has not been cached here (" + e.getMessage() + ")").header(SOURCE_HEADER, "upstream");
    }

    private record Fetch(View view, String staleReason) {}

    /** The project as served now: fresh, fetched, or the last good copy when the upstream fails. */
    private Fetch view(Stage stage, String project) {
        String k = stage + " " + project;
        Entry e = entries.get(k);
        if (e != null && System.nanoTime() - e.fetchedNanos() < settings.pageTtl().toNanos()) {
            metrics.page("hit");
            return new Fetch(e.view(), null);
        }
        java.util.concurrent.locks.ReentrantLock lock = locks.computeIfAbsent(k, x -> new java.util.concurrent.locks.ReentrantLock());
        if (e != null && !lock.tryLock()) {
            // Another request is fetching this page: the previous copy is answer enough meanwhile (it expired moments ago).
            metrics.page("hit");
            return new Fetch(e.view(), null);
        }
        if (e == null) {
            lock.lock();
        }
        try {
            e = entries.get(k);
            if (e != null && System.nanoTime() - e.fetchedNanos() < settings.pageTtl().toNanos()) {
                metrics.page("hit");
                return new Fetch(e.view(), null);
            }
            UpstreamSettings.StageUpstreams upstreams = settings.forStage(stage).orElseThrow();
            boolean cacheMode = upstreams.mode() == UpstreamSettings.Mode.CACHE;
            try {
                UpstreamProject found = null;
                UpstreamUrl source = upstreams.urls().get(0);
                for (UpstreamUrl u : upstreams.urls()) {
                    Optional<UpstreamProject> p = fetchPage(u, project);
                    if (p.isPresent()) {
                        found = p.get();
                        source = u;
                        break;
                    }
                }
                if (found != null) {
                    found = withSizes(found, source, e == null ? null : e.view().page());
                }
                Map<String, CachedFile> cached = cacheMode ? records.cachedFiles(stage, project) : Map.of();
                View view = merge(project, found, source, cached);
                metrics.page(found == null && cached.isEmpty() ? "not_found" : "miss");
                if (entries.size() > MAX_ENTRIES) {
                    entries.clear(); // bounded memory, as in ReleaseCatalog (names asked for are the client's choice)
                    locks.clear();
                }
                entries.put(k, new Entry(view, System.nanoTime()));
                if (found != null && (e == null || !found.equals(e.view().page()))) {
                    persist(stage, project, found);
                }
                return new Fetch(view, null);
            } catch (UpstreamException failure) {
                metrics.page("error");
                if (e != null) {
                    metrics.page("stale");
                    return new Fetch(e.view(), failure.getMessage());
                }
                Optional<UpstreamProject> saved = loadPersisted(stage, project);
                Map<String, CachedFile> cached = cacheMode ? records.cachedFiles(stage, project) : Map.of();
                if (saved.isPresent() || !cached.isEmpty()) {
                    UpstreamUrl source = saved.flatMap(s -> upstreams.urls().stream().filter(u -> u.redacted().equals(s.upstream())).findFirst())
                            .orElse(upstreams.urls().get(0));
                    View view = merge(project, saved.orElse(null), source, cached);
                    // Kept as an expired entry: the next request past the back-off asks the upstream again.
                    entries.put(k, new Entry(view, System.nanoTime() - settings.pageTtl().toNanos() - 1));
                    metrics.page("stale");
                    return new Fetch(view, failure.getMessage());
                }
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sizes for files the upstream's page does not state (PEP 503 HTML has none; PEP 700 JSON pages must have
     * them): from the previous page for the same file and hash, else a HEAD request (8 at a time). A file whose
     * size cannot be learned is not offered.
     */
    private UpstreamProject withSizes(UpstreamProject page, UpstreamUrl source, UpstreamProject previous) {
        List<UpstreamProject.File> files = new ArrayList<>(page.files());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            UpstreamProject.File f = files.get(i);
            if (f.size() != null || !offered(f)) {
                continue;
            }
            Optional<UpstreamProject.File> before = previous == null ? Optional.empty() : previous.file(f.filename());
            if (before.isPresent() && before.get().size() != null && f.sha256().equals(before.get().sha256())) {
                files.set(i, f.withSize(before.get().size()));
            } else {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return files.equals(page.files()) ? page : new UpstreamProject(page.name(), page.upstream(), files);
        }
        long start = System.nanoTime();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(8, missing.size()));
        try {
            Map<Integer, java.util.concurrent.Future<java.util.OptionalLong>> sizes = new LinkedHashMap<>();
            for (int i : missing) {
                URI url = files.get(i).url();
                sizes.put(i, pool.submit(() -> client.size(source, url)));
            }
            for (var e : sizes.entrySet()) {
                java.util.OptionalLong n;
                try {
                    n = e.getValue().get();
                } catch (java.util.concurrent.ExecutionException x) {
                    n = java.util.OptionalLong.empty();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new UpstreamException("interrupted while asking the upstream for file sizes");
                }
                UpstreamProject.File f = files.get(e.getKey());
                files.set(e.getKey(), n.isPresent() ? f.withSize(n.getAsLong()) : null);
            }
        } finally {
            pool.shutdownNow();
            metrics.fetched("size", System.nanoTime() - start);
        }
        return new UpstreamProject(page.name(), page.upstream(), files.stream().filter(java.util.Objects::nonNull).toList());
    }

    /** One upstream's page, unless that upstream failed in the last seconds (then it fails at once, without waiting). */
    private Optional<UpstreamProject> fetchPage(UpstreamUrl u, String project) {
        String key = u.redacted();
        Long until = downUntil.get(key);
        if (until != null && System.nanoTime() - until < 0) {
            throw new UpstreamException("upstream " + key + " did not answer moments ago; asking again in a few seconds", true);
        }
        long start = System.nanoTime();
        try {
            Optional<UpstreamProject> p = client.project(u, project);
            downUntil.remove(key);
            return p;
        } catch (UpstreamException e) {
            metrics.error("page");
            if (e.unreachable()) {
                downUntil.put(key, System.nanoTime() + BACKOFF_NANOS);
            }
            LOG.warn("Upstream page of {} not fetched: {}", project, e.getMessage());
            throw e;
        } finally {
            metrics.fetched("page", System.nanoTime() - start);
        }
    }

    private String pageKey(Stage stage, String project) {
        return prefix + "upstream/" + stage + "/" + project + "/page.json";
    }

    /** The last good page, in S3: another instance, or this one after a restart, can serve it while the upstream is down. */
    private void persist(Stage stage, String project, UpstreamProject page) {
        try {
            store.put(pageKey(stage, project), JSON.writeValueAsBytes(page), "application/json");
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not keep the upstream page of {} in stage {}: {}", project, stage, e.getMessage());
        }
    }

    private Optional<UpstreamProject> loadPersisted(Stage stage, String project) {
        try {
            var object = store.openIfExists(pageKey(stage, project));
            if (object.isEmpty()) {
                return Optional.empty();
            }
            try (var in = object.get().body()) {
                return Optional.of(JSON.readValue(in, UpstreamProject.class));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the kept upstream page of {} in stage {}: {}", project, stage, e.getMessage());
            return Optional.empty();
        }
    }

    /** A file is offered when it has a sha256 (so it can be verified) and a distribution file name (so it is a safe URL segment). */
    private static boolean offered(UpstreamProject.File f) {
        if (f.sha256() == null) {
            return false;
        }
        try {
            DistFilename.parse(f.filename());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The upstream's files with the hashes of copies already cached, plus cached files the upstream no longer lists. */
    private static View merge(String project, UpstreamProject page, UpstreamUrl source, Map<String, CachedFile> cached) {
        Map<String, UpstreamProject.File> files = new LinkedHashMap<>();
        if (page != null) {
            for (UpstreamProject.File f : page.files()) {
                if (!offered(f) || files.containsKey(f.filename())) {
                    continue;
                }
                CachedFile c = cached.get(f.filename());
                CachedFile m = cached.get(f.filename() + ".metadata");
                String meta = m != null ? m.sha256() : (f.metadataSha256() == null || f.metadataSha256().isEmpty() ? null : f.metadataSha256());
                UpstreamProject.File shown = f.withHashes(c != null ? c.sha256() : f.sha256(), c != null && m == null ? null : meta);
                files.put(f.filename(), c != null ? shown.withSize(c.size()) : shown);
            }
        }
        for (CachedFile c : cached.values()) {
            if (c.filename().endsWith(".metadata") || files.containsKey(c.filename())) {
                continue;
            }
            CachedFile m = cached.get(c.filename() + ".metadata");
            files.put(c.filename(), new UpstreamProject.File(c.filename(), null, c.sha256(), c.requiresPython(), null,
                    m == null ? null : m.sha256(), c.size(), null));
        }
        String display = page != null && page.name() != null && !page.name().isBlank() ? page.name() : project;
        return new View(page, source, Map.copyOf(cached), List.copyOf(files.values()), display);
    }

    private static byte[] render(Stage stage, String project, View view, SimpleFormat format, String linkQuery) {
        List<UpstreamProject.File> files = new ArrayList<>(view.files());
        Map<String, Version> versions = new HashMap<>();
        for (UpstreamProject.File f : files) {
            versions.put(f.filename(), DistFilename.parse(f.filename()).version());
        }
        files.sort(Comparator.comparing((UpstreamProject.File f) -> versions.get(f.filename())).thenComparing(UpstreamProject.File::filename));
        List<SimplePages.FileLink> links = new ArrayList<>();
        for (UpstreamProject.File f : files) {
            links.add(new SimplePages.FileLink(f.filename(), url(stage, project, f) + linkQuery, f.sha256(), f.requiresPython(),
                    f.metadataSha256(), f.yanked(), f.size(), f.uploadTime()));
        }
        List<String> versionNames = new TreeSet<>(versions.values()).stream().map(Version::normalized).toList();
        return SimplePages.filesPage(project, view.displayName(), versionNames, links, format);
    }

    /** From /{stage}/simple/{project}/ to /{stage}/upstream/{project}/{filename}. */
    private static String url(Stage stage, String project, UpstreamProject.File f) {
        return "../../" + new IndexRoute.UpstreamFile(stage, project, f.filename()).pathFromStage();
    }
}
