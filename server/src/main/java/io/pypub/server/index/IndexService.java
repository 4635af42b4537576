package io.pypub.server.index;

import io.pypub.core.docs.ContentTypes;
import io.pypub.core.lifecycle.ServedReleases;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.version.Version;
import io.pypub.server.access.Admission;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.exchange.AcceptEncoding;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index's request handling, independent of the HTTP server: routes a request to the simple
 * API, a download or the health check, and answers with an {@link IndexResponse}. Every request
 * passes the {@link RequestGuard} first (input checks, access control, quotas, audit log).
 */
public final class IndexService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexService.class);
    private static final String DIST_TYPE = "application/octet-stream";
    private static final java.util.regex.Pattern DOCS_SEGMENT = java.util.regex.Pattern.compile("^[A-Za-z0-9._~-]{1,255}$");

    private final ReleaseCatalog catalog;
    private final ArtifactStore store;
    private final Presigner presigner;
    private final IndexSettings settings;
    private final ArtifactStore docsStore;
    private final SimplePages pages = new SimplePages();
    private final RenderedPages rendered = new RenderedPages();
    private final io.pypub.server.pages.HumanPages humanPages;
    private final io.pypub.server.pages.JsonApi jsonApi;
    /** Core metadata of files, for project pages and the JSON API: immutable objects, read once. */
    private final java.util.Map<String, io.pypub.server.pages.PackageMetadata> metadataCache =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final IndexMetrics metrics = new IndexMetrics();
    private final RequestGuard guard;
    private final Readiness readiness;
    private final LegacyUpload upload;
    private final UpstreamIndex upstream;
    /** Package files by sha256 on local disk, or null (no cache configured, or redirected downloads). */
    private final BlobCache blobs;

    /** An index without authentication (tests, embedding); {@code pypub serve} passes an enforcing guard. */
    public IndexService(AwsClients aws, IndexSettings settings) {
        this(aws, settings, RequestGuard.open());
    }

    public IndexService(AwsClients aws, IndexSettings settings, RequestGuard guard) {
        this(aws, settings, guard, io.pypub.core.upstream.UpstreamSettings.none());
    }

    /** With the stages' upstreams (issue 14): names not in a stage come from its upstream, see {@link UpstreamIndex}. */
    public IndexService(AwsClients aws, IndexSettings settings, RequestGuard guard, io.pypub.core.upstream.UpstreamSettings upstreams) {
        this(aws, settings, guard, upstreams, io.pypub.core.notify.Notifier.NONE);
    }

    /** With a notifier (Slack) for uploads through the upload API; the change log hears of them in any case. */
    public IndexService(AwsClients aws, IndexSettings settings, RequestGuard guard, io.pypub.core.upstream.UpstreamSettings upstreams,
            io.pypub.core.notify.Notifier uploads) {
        this(IndexStorage.on(aws), settings, guard, upstreams,
                new io.pypub.core.upstream.UpstreamRecords(aws.dynamo(), aws.settings().versionTable()), LegacyUpload.on(aws, settings, uploads));
    }

    /**
     * An index over any {@link IndexStorage} and without upstreams, so routing and access run in-process against
     * the storage interfaces. Its upload API records through the same pipeline, without a change log.
     */
    public IndexService(IndexStorage storage, IndexSettings settings, RequestGuard guard) {
        this(storage, settings, guard, io.pypub.core.upstream.UpstreamSettings.none(), null, new LegacyUpload(
                new io.pypub.core.publish.PublishPipeline(null, storage.files(), storage.docs(), storage.versions(),
                        new io.pypub.core.storage.StorageLayout(storage.prefix()), io.pypub.core.notify.Notifier.NONE),
                io.pypub.core.audit.ChangeLog.NONE, settings.publicUrl(), settings.uploadLimits()));
    }

    /** @param upstreamRecords null only without upstreams (never read then) */
    private IndexService(IndexStorage storage, IndexSettings settings, RequestGuard guard, io.pypub.core.upstream.UpstreamSettings upstreams,
            io.pypub.core.upstream.UpstreamRecords upstreamRecords, LegacyUpload upload) {
        this.guard = guard;
        this.presigner = storage.presigner();
        this.settings = settings;
        this.store = storage.files();
        this.docsStore = storage.docs();
        this.readiness = new Readiness(store, storage.prefix(), storage.versions());
        this.catalog = new ReleaseCatalog(storage.versions(), settings.cacheTtl());
        this.upstream = new UpstreamIndex(upstreams, upstreamRecords,
                store, storage.prefix(), (key, type, size, request) -> serveObject(store, key, type, size, null, request),
                new UpstreamMetrics(metrics.registry()));
        this.humanPages = new io.pypub.server.pages.HumanPages(settings.publicUrl());
        this.jsonApi = new io.pypub.server.pages.JsonApi(settings.publicUrl());
        this.upload = upload;
        this.blobs = settings.downloadMode() == IndexSettings.DownloadMode.STREAM
                ? BlobCache.open(settings.downloadCacheDir(), settings.downloadCacheMaxBytes()) : null;
        if (blobs != null) {
            blobs.bindTo(metrics.registry());
        }
    }

    public IndexResponse handle(IndexRequest request) {
        long start = System.nanoTime();
        IndexResponse response = guard.handle(request, this::serve);
        metrics.record(request.route().metricName(), response.status(), System.nanoTime() - start);
        return response;
    }

    /**
     * Whether {@link #handle} answers {@code request} from memory: no table read, no S3 or upstream request, no wait for
     * another thread's read. True for a simple project page (what installers ask for most) whose key check and
     * releases are cached; rendering a page anew after a re-read is CPU work only. The Jetty adapter serves such
     * requests on the thread that read them and hands every other one to its pool; a false answer only costs that hand-off.
     */
    public boolean answersFromMemory(IndexRequest request) {
        return request.route() instanceof IndexRoute.SimpleProject r && request.isHeadOrGet() && canonical(request, r)
                && guard.admitsFromMemory(request) && catalog.holdsReleases(r.stage(), r.project());
    }

    /** Serves a request the guard admitted. */
    private IndexResponse serve(IndexRequest request, Admission access) {
        try {
            if (request.route() instanceof IndexRoute.SignIn || request.route() instanceof IndexRoute.SignOut) {
                return Sessions.handle(request, access, guard, humanPagesOff());
            }
            if (request.route() instanceof IndexRoute.Upload r) {
                return upload.handle(request, r, access);
            }
            if (!request.isHeadOrGet()) {
                return IndexResponse.text(405, "Method not allowed").header("Allow", "GET, HEAD");
            }
            return route(request, access);
        } catch (StorageException e) {
            LOG.error("Storage error on {}: {}", io.pypub.core.access.ApiKeyToken.redact(request.path()), e.getMessage());
            return IndexResponse.storageUnavailable("storage temporarily unavailable");
        }
    }

    /** The download cache, if streamed downloads have one. */
    public Optional<BlobCache> downloadCache() {
        return Optional.ofNullable(blobs);
    }

    public IndexMetrics metrics() {
        return metrics;
    }

    /** Writes what the access checks still hold (download counts); the AWS clients stay open. */
    @Override
    public void close() {
        guard.close();
    }

    private IndexResponse route(IndexRequest request, Admission access) {
        IndexRoute route = request.route();
        if (route instanceof IndexRoute.Health) {
            return IndexResponse.text(200, "ok");
        }
        if (route instanceof IndexRoute.Ready) {
            return readiness.check().response();
        }
        if (route instanceof IndexRoute.Metrics) {
            return IndexResponse.bytes(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(StandardCharsets.UTF_8));
        }
        if (route instanceof IndexRoute.StagePage r) {
            return canonical(request, r) ? stagePage(request, r.stage(), access) : redirect(request, r.path());
        }
        if (route instanceof IndexRoute.SimpleIndex r) {
            return canonical(request, r) ? projectList(request, r.stage(), access) : redirect(request, r.path());
        }
        if (route instanceof IndexRoute.SimpleProject r) {
            return canonical(request, r) ? projectPage(request, r, access.linkQuery()) : redirect(request, r.path());
        }
        if (route instanceof IndexRoute.File r) {
            return download(r.stage(), r.project(), r.version(), r.file(), false, request);
        }
        if (route instanceof IndexRoute.Metadata r) {
            return download(r.stage(), r.project(), r.version(), r.file(), true, request);
        }
        if (route instanceof IndexRoute.Direct r) {
            return directDownload(r, request);
        }
        if (route instanceof IndexRoute.Docs r) {
            return docs(request, r);
        }
        if (route instanceof IndexRoute.UpstreamFile r) {
            return inStage(r.stage(), r.project()) ? notFound() : upstream.file(request, r.stage(), r.project(), r.file(), false);
        }
        if (route instanceof IndexRoute.UpstreamMetadata r) {
            return inStage(r.stage(), r.project()) ? notFound() : upstream.file(request, r.stage(), r.project(), r.file(), true);
        }
        if (route instanceof IndexRoute.ProjectPage r) {
            return canonical(request, r) ? humanProjectPage(request, r, access) : redirect(request, r.path());
        }
        if (route instanceof IndexRoute.VersionPage r) {
            return canonical(request, r) ? humanVersionPage(request, r, access) : redirect(request, r.path());
        }
        if (route instanceof IndexRoute.JsonProject r) {
            return canonical(request, r) ? jsonProject(request, r) : redirect(request, r.path());
        }
        if (route instanceof IndexRoute.JsonRelease r) {
            return canonical(request, r) ? jsonRelease(request, r) : redirect(request, r.path());
        }
        return notFound();
    }

    /** Pages are served at one URL each (normalized name, trailing slash); anything else redirects there. */
    private static boolean canonical(IndexRequest request, IndexRoute route) {
        return request.path().equals(route.path());
    }

    private IndexResponse projectList(IndexRequest request, Stage stage, Admission access) {
        SimpleFormat format = SimpleFormat.negotiate(request.header("Accept"));
        if (format == null) {
            return notAcceptable();
        }
        // A key limited to some projects sees only those; the shared rendering serves everyone else.
        List<ProjectEntry> all = catalog.projects(stage);
        List<ProjectEntry> projects = visible(all, access);
        String linkQuery = access.linkQuery();
        if (projects.size() != all.size()) {
            return page(request, format, pages.projectList(stage, projects, format, linkQuery));
        }
        // The link query (a key, when it came in the URL) is part of the cache key: pages never mix clients.
        return page(request, format, rendered.get("list " + stage + " " + format + " " + linkQuery, all,
                () -> pages.projectList(stage, all, format, linkQuery)));
    }

    /** The projects this caller may see: {@code all} itself unless a key is limited to some projects. */
    private static List<ProjectEntry> visible(List<ProjectEntry> all, Admission access) {
        return access.allowsEveryProject() ? all : all.stream().filter(p -> access.allowsProject(p.name())).toList();
    }

    private IndexResponse projectPage(IndexRequest request, IndexRoute.SimpleProject route, String linkQuery) {
        Stage stage = route.stage();
        String normalized = route.project();
        SimpleFormat format = SimpleFormat.negotiate(request.header("Accept"));
        if (format == null) {
            return notAcceptable();
        }
        // A pinned latest shows newer releases as yanked, so installers get the pin (see ServedReleases).
        List<Release> releases = ServedReleases.of(catalog.releases(stage, normalized), catalog.latest(stage, normalized));
        if (releases.isEmpty()) {
            // Private names win, whole project at a time: only a name the stage does not have may come from its upstream.
            return upstream.enabled(stage) && !inStage(stage, normalized) ? upstream.page(request, route, format, linkQuery) : notFound();
        }
        return page(request, format, rendered.get("project " + stage + " " + normalized + " " + format + " " + linkQuery, releases, () -> {
            String display = releases.stream().max(Comparator.comparing(Release::version)).map(Release::displayName)
                    .orElse(normalized);
            return pages.projectPage(normalized, display, releases, format, linkQuery);
        }));
    }

    /** Whether the stage has the project (registered or with releases): then its upstream is never asked about it. */
    private boolean inStage(Stage stage, String project) {
        return !catalog.releases(stage, project).isEmpty() || catalog.listsProject(stage, project);
    }

    /** Serves a page rendered for this request alone, with an ETag, answering 304 when the client has it already. */
    private static IndexResponse page(IndexRequest request, SimpleFormat format, byte[] body) {
        return page(request, format, RenderedPages.Page.once(body));
    }

    /**
     * Serves a rendered page with an ETag, answering 304 when the client has it already; as gzip when the page
     * has that variant and the client accepts it. {@code Vary: Accept-Encoding} on both variants, so a cache
     * in between never hands the gzip bytes to a client that did not ask for them.
     */
    static IndexResponse page(IndexRequest request, SimpleFormat format, RenderedPages.Page page) {
        boolean gzip = page.gzip() != null && AcceptEncoding.allowsGzip(request.header("Accept-Encoding"));
        String etag = gzip ? page.gzipEtag() : page.etag();
        String ifNoneMatch = request.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
            return IndexResponse.bytes(304, format.contentType(), new byte[0]).header("ETag", etag).header("Vary", VARY);
        }
        IndexResponse response = IndexResponse.kept(200, format.contentType(), gzip ? page.gzip() : page.body())
                .header("ETag", etag)
                .header("Vary", VARY)
                .header("Cache-Control", "max-age=0, must-revalidate");
        return gzip ? response.header("Content-Encoding", "gzip") : response;
    }

    private static final String VARY = "Accept, Accept-Encoding";

    private IndexResponse download(Stage stage, String project, String versionText, String filename, boolean metadata,
            IndexRequest request) {
        Optional<ReleaseFile> file = findFile(stage, project, versionText, filename);
        if (file.isEmpty()) {
            return notFound();
        }
        ReleaseFile f = file.get();
        if (metadata) {
            if (f.metadataSha256() == null) {
                return notFound();
            }
            return serveObject(store, StorageLayout.metadataKey(f), "text/plain; charset=utf-8", -1, null, request);
        }
        return serveFile(f, request);
    }

    /**
     * {@code /{stage}/{project}/{version|latest}}: the release's sdist, as the old endpoint served it. Not the
     * wheel: pip decides from the URL's own name whether it got a wheel, so from this extension-less
     * URL it would unpack a wheel as a source tree and fail.
     */
    private IndexResponse directDownload(IndexRoute.Direct route, IndexRequest request) {
        Optional<Release> release = release(route.stage(), route.project(), route.version());
        if (release.isEmpty() || release.get().primaryFile() == null) {
            return notFound();
        }
        return serveFile(release.get().primaryFile(), request);
    }

    /** The release a {@code latest} or version segment names; the latest pointer decides (a rollback may pin it). */
    private Optional<Release> release(Stage stage, String project, String versionText) {
        List<Release> releases = catalog.releases(stage, project);
        Version v;
        if (versionText.equals("latest")) {
            var pointer = catalog.latest(stage, project);
            if (pointer.isEmpty()) {
                return Optional.empty();
            }
            v = Version.parse(pointer.get().version());
        } else {
            v = Version.parse(versionText);
        }
        return releases.stream().filter(r -> r.version().equals(v)).findFirst();
    }

    private Optional<ReleaseFile> findFile(Stage stage, String project, String versionText, String filename) {
        Version v = Version.parse(versionText);
        return catalog.releases(stage, project).stream()
                .filter(r -> r.version().equals(v))
                .flatMap(r -> r.files().stream())
                .filter(f -> f.filename().equals(filename))
                .findFirst();
    }

    /**
     * A package file: from the download cache when it holds the file's sha256, else from S3 (and into the cache once
     * its bytes matched the record). Access checks, quotas and the audit line ran before (the guard), whichever way.
     */
    private IndexResponse serveFile(ReleaseFile f, IndexRequest request) {
        if (blobs != null && f.sha256() != null && !request.method().equalsIgnoreCase("HEAD")) {
            java.nio.channels.FileChannel cached = blobs.openIfCached(f.sha256(), f.size());
            if (cached != null) {
                return IndexResponse.stream(DIST_TYPE, f.size(), () -> java.nio.channels.Channels.newInputStream(cached)).file(cached)
                        .header("Content-Disposition", contentDisposition(f.filename()));
            }
        }
        return serveObject(store, f.objectKey(), DIST_TYPE, f.size(), f.filename(), request,
                blobs != null && f.sha256() != null ? f.sha256() : null);
    }

    private IndexResponse serveObject(ArtifactStore from, String key, String contentType, long size, String attachmentName,
            IndexRequest request) {
        return serveObject(from, key, contentType, size, attachmentName, request, null);
    }

    /**
     * Answers with an object: a presigned redirect, or the body streamed through. A streamed object
     * is opened before answering, so an unreachable S3 is a 503 and a missing object (or one of
     * another size than its record promises) a 404 logged as an integrity error, never a 500 or a
     * response cut short.
     */
    private IndexResponse serveObject(ArtifactStore from, String key, String contentType, long size, String attachmentName,
            IndexRequest request, String cacheAsSha256) {
        if (settings.downloadMode() == IndexSettings.DownloadMode.REDIRECT) {
            String url = presigner.presignGet(from.bucket(), key, attachmentName == null ? null : contentDisposition(attachmentName),
                    settings.presignTtl());
            return IndexResponse.redirect(302, url).header("Cache-Control", "no-store");
        }
        IndexResponse response;
        if (request.method().equalsIgnoreCase("HEAD")) {
            var head = from.head(key);
            if (head.isEmpty() || (size >= 0 && head.get().size() != size)) {
                return integrityError(from, key, size, head.map(h -> h.size()).orElse(-1L));
            }
            response = IndexResponse.stream(contentType, head.get().size(), InputStream::nullInputStream);
        } else {
            var object = from.openIfExists(key);
            if (object.isEmpty() || (size >= 0 && object.get().size() != size)) {
                object.ifPresent(o -> closeQuietly(o.body()));
                return integrityError(from, key, size, object.map(ArtifactStore.OpenObject::size).orElse(-1L));
            }
            InputStream body = cacheAsSha256 == null ? object.get().body() : blobs.filling(cacheAsSha256, size, object.get().body());
            response = IndexResponse.stream(contentType, object.get().size(), () -> body);
        }
        if (attachmentName != null) {
            response.header("Content-Disposition", contentDisposition(attachmentName));
        }
        return response;
    }

    /** A record names an object that is gone or differs: 404 to the client (nothing it can fix), an error in our log. */
    private static IndexResponse integrityError(ArtifactStore from, String key, long expectedSize, long foundSize) {
        LOG.error("Integrity error: s3://{}/{} {}", from.bucket(), key, foundSize < 0 ? "is missing"
                : "has " + foundSize + " bytes, its record says " + expectedSize);
        return IndexResponse.text(404, "Not found: the stored file is not available");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (java.io.IOException e) {
            LOG.debug("closing an unused object stream", e);
        }
    }

    /**
     * {@code /{stage}/docs/{project}/{version|latest}/{path}}: the release's pdoc HTML, with
     * {@code index.html} for folders. Only paths made of plain file-name segments are served.
     */
    private IndexResponse docs(IndexRequest request, IndexRoute.Docs route) {
        for (String segment : route.rest()) {
            if (!DOCS_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return IndexResponse.text(400, "Bad request: invalid docs path");
            }
        }
        Optional<Release> release = release(route.stage(), route.project(), route.version());
        if (release.isEmpty() || release.get().docsPrefix() == null) {
            return notFound();
        }
        if (route.rest().isEmpty() && !request.path().equals(route.path())) {
            return redirect(request, route.path());
        }
        String relative = String.join("/", route.rest());
        if (route.rest().isEmpty() || request.endsWithSlash()) {
            relative = relative.isEmpty() ? "index.html" : relative + "/index.html";
        }
        return serveObject(docsStore, release.get().docsPrefix() + relative, ContentTypes.forFileName(relative), -1, null, request);
    }

    /** Whether sign-in has nothing to do (access control off). */
    private boolean humanPagesOff() {
        return !guard.authEnabled();
    }

    /**
     * {@code /{stage}/}: the projects of a stage for people, searched ({@code q}: name and summary) and
     * sorted ({@code sort=name|updated}) on the server, 50 a page. Built from the stage's registry
     * alone (one cached query, whatever the number of projects), never from each project's releases.
     */
    private IndexResponse stagePage(IndexRequest request, Stage stage, Admission access) {
        List<ProjectEntry> all = catalog.projects(stage);
        List<ProjectEntry> visible = visible(all, access);
        String q = clip(request.query().get("q"), 200);
        String sort = "updated".equals(request.query().get("sort")) ? "updated" : "name";
        int pageNumber = parsePage(request.query().get("page"));
        var viewer = viewer(request, access);
        var upstreams = upstream.summary(stage);
        java.util.function.Supplier<byte[]> render = () -> humanPages.stage(stage,
                io.pypub.server.pages.HumanPages.list(visible, q, sort, pageNumber), q, sort, viewer, upstreams);
        if ((q == null || q.isBlank()) && visible.size() == all.size()) {
            // Never the Host header in install lines: any client can set it (see HumanPages).
            return htmlPage(request, rendered.get("stage " + stage + " " + sort + " " + pageNumber + " " + viewer + " " + upstreams,
                    all, render));
        }
        return htmlPage(request, RenderedPages.Page.once(render.get()));
    }

    private IndexResponse humanProjectPage(IndexRequest request, IndexRoute.ProjectPage route, Admission access) {
        List<Release> releases = catalog.releases(route.stage(), route.project());
        if (releases.isEmpty()) {
            return notFound();
        }
        var latest = catalog.latest(route.stage(), route.project());
        var viewer = viewer(request, access);
        return htmlPage(request, rendered.get("ui-project " + route.stage() + " " + route.project() + " " + viewer, releases, () -> {
            Release shown = shownRelease(releases, latest);
            return humanPages.project(route.stage(), route.project(), releases, latest, metadataOf(shown), viewer);
        }));
    }

    private IndexResponse humanVersionPage(IndexRequest request, IndexRoute.VersionPage route, Admission access) {
        List<Release> releases = catalog.releases(route.stage(), route.project());
        Version v = Version.parse(route.version());
        Optional<Release> release = releases.stream().filter(r -> r.version().equals(v)).findFirst();
        if (release.isEmpty()) {
            return notFound();
        }
        if (!release.get().version().normalized().equals(route.version())) {
            return redirect(request, new IndexRoute.VersionPage(route.stage(), route.project(), release.get().version().normalized()).path());
        }
        List<Stage> promotions = new java.util.ArrayList<>();
        Stage at = route.stage();
        for (int i = 0; i < 5; i++) { // the chain of promote hops (dev -> test -> prod), bounded
            Optional<Stage> from = catalog.promotedFrom(at, route.project(), v);
            if (from.isEmpty() || promotions.contains(from.get()) || from.get().equals(route.stage())) {
                break;
            }
            promotions.add(0, from.get());
            at = from.get();
        }
        var latest = catalog.latest(route.stage(), route.project());
        return htmlPage(request, RenderedPages.Page.once(humanPages.version(route.stage(), route.project(), release.get(), latest,
                promotions, metadataOf(release.get()), viewer(request, access))));
    }

    private IndexResponse jsonProject(IndexRequest request, IndexRoute.JsonProject route) {
        List<Release> releases = catalog.releases(route.stage(), route.project());
        if (releases.isEmpty()) {
            return jsonNotFound();
        }
        var latest = catalog.latest(route.stage(), route.project());
        return jsonPage(request, rendered.get("json " + route.stage() + " " + route.project(), releases, () ->
                jsonApi.project(route.stage(), route.project(), releases, latest, metadataOf(shownRelease(releases, latest)))));
    }

    private IndexResponse jsonRelease(IndexRequest request, IndexRoute.JsonRelease route) {
        List<Release> releases = catalog.releases(route.stage(), route.project());
        Version v = Version.parse(route.version());
        Optional<Release> release = releases.stream().filter(r -> r.version().equals(v)).findFirst();
        if (release.isEmpty()) {
            return jsonNotFound();
        }
        return jsonPage(request, rendered.get("json " + route.stage() + " " + route.project() + " " + v.normalized(), releases, () ->
                jsonApi.release(route.stage(), route.project(), release.get(), releases, metadataOf(release.get()))));
    }

    private static Release shownRelease(List<Release> releases, Optional<io.pypub.core.release.LatestPointer> latest) {
        Release newest = releases.stream().max(Comparator.comparing(Release::version)).orElseThrow();
        return latest.flatMap(l -> releases.stream().filter(r -> r.version().normalized().equals(l.version())).findFirst())
                .orElse(newest);
    }

    /**
     * The core metadata of a release (a wheel's, else the sdist's), from its PEP 658 object in S3.
     * Objects are immutable once recorded, so each is read once per process (bounded map). A release
     * without one, or a read that fails, shows no README or dependencies rather than failing the page.
     */
    private io.pypub.server.pages.PackageMetadata metadataOf(Release release) {
        ReleaseFile f = release.files().stream().filter(x -> x.metadataSha256() != null)
                .min(Comparator.comparing(x -> x.packageType() == io.pypub.core.release.PackageType.WHEEL ? 0 : 1)).orElse(null);
        if (f == null) {
            return io.pypub.server.pages.PackageMetadata.NONE;
        }
        String key = StorageLayout.metadataKey(f);
        var cached = metadataCache.get(key + " " + f.metadataSha256());
        if (cached != null) {
            return cached;
        }
        io.pypub.server.pages.PackageMetadata parsed;
        var object = store.openIfExists(key);
        if (object.isEmpty()) {
            LOG.error("Integrity error: s3://{}/{} is missing", store.bucket(), key);
            return io.pypub.server.pages.PackageMetadata.NONE;
        }
        try (InputStream in = object.get().body()) {
            parsed = io.pypub.server.pages.PackageMetadata.parse(in.readNBytes(4 * 1024 * 1024));
        } catch (java.io.IOException e) {
            LOG.warn("Could not read {}: {}", key, e.getMessage());
            return io.pypub.server.pages.PackageMetadata.NONE;
        }
        if (metadataCache.size() > 2_000) {
            metadataCache.clear();
        }
        metadataCache.put(key + " " + f.metadataSha256(), parsed);
        return parsed;
    }

    private io.pypub.server.pages.HumanPages.Viewer viewer(IndexRequest request, Admission access) {
        boolean session = access.authenticated() && request.header("Authorization") == null && !request.query().containsKey("key")
                && io.pypub.server.access.SessionTokens.fromCookieHeader(request.header("Cookie")) != null;
        String who = access.key() != null ? "key " + access.key().keyId() + " (" + access.key().client() + ")"
                : access.user() != null ? "user " + access.user().name() : null;
        return new io.pypub.server.pages.HumanPages.Viewer(who, session, access.linkQuery(), guard.authEnabled());
    }

    private static IndexResponse htmlPage(IndexRequest request, RenderedPages.Page page) {
        return page(request, SimpleFormat.HTML, page).header("Content-Type", "text/html; charset=utf-8")
                .header("Content-Security-Policy", io.pypub.server.pages.HumanPages.CSP)
                .header("Referrer-Policy", "same-origin").header("Vary", "Accept, Accept-Encoding, Cookie");
    }

    private static IndexResponse jsonPage(IndexRequest request, RenderedPages.Page page) {
        return page(request, SimpleFormat.HTML, page).header("Content-Type", "application/json");
    }

    private static IndexResponse jsonNotFound() {
        return IndexResponse.bytes(404, "application/json", "{\"message\": \"Not Found\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static String clip(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) : s;
    }

    private static int parsePage(String s) {
        try {
            return s == null ? 1 : Math.max(1, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String contentDisposition(String filename) {
        return "attachment; filename=\"" + filename + "\"";
    }

    private static IndexResponse redirect(IndexRequest request, String path) {
        // Keep the query string (it may carry ?key=) on redirects.
        StringBuilder location = new StringBuilder(path);
        if (!request.query().isEmpty()) {
            location.append('?');
            boolean first = true;
            for (var e : new java.util.TreeMap<>(request.query()).entrySet()) {
                if (!first) {
                    location.append('&');
                }
                first = false;
                location.append(java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        return IndexResponse.redirect(301, location.toString());
    }

    private static IndexResponse notFound() {
        return IndexResponse.text(404, "Not found");
    }

    private static IndexResponse notAcceptable() {
        return IndexResponse.text(406, "Not acceptable: this index serves " + SimpleFormat.JSON.contentType() + ", "
                + "application/vnd.pypi.simple.v1+html and text/html");
    }
}
