package io.pypub.server.index;

import io.pypub.core.docs.ContentTypes;
import io.pypub.core.lifecycle.ServedReleases;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.version.Version;
import io.pypub.server.access.Admission;
import io.pypub.server.access.RequestGuard;
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
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("^[A-Za-z0-9.:\\[\\]-]{1,255}$");

    private final ReleaseCatalog catalog;
    private final S3ArtifactStore store;
    private final AwsClients aws;
    private final IndexSettings settings;
    private final S3ArtifactStore docsStore;
    private final SimplePages pages = new SimplePages();
    private final RenderedPages rendered = new RenderedPages();
    private final StagePage stagePage = new StagePage();
    private final IndexMetrics metrics = new IndexMetrics();
    private final RequestGuard guard;

    /** An index without authentication (tests, embedding); {@code pypub serve} passes an enforcing guard. */
    public IndexService(AwsClients aws, IndexSettings settings) {
        this(aws, settings, RequestGuard.open());
    }

    public IndexService(AwsClients aws, IndexSettings settings, RequestGuard guard) {
        this.guard = guard;
        this.aws = aws;
        this.settings = settings;
        this.store = new S3ArtifactStore(aws.s3(), aws.settings().bucket());
        this.docsStore = new S3ArtifactStore(aws.s3(), aws.settings().effectiveDocsBucket());
        this.catalog = new ReleaseCatalog(new DynamoVersionTable(aws.dynamo(), aws.settings().versionTable()), settings.cacheTtl());
    }

    public IndexResponse handle(IndexRequest request) {
        long start = System.nanoTime();
        IndexResponse response = guard.handle(request, this::serve);
        metrics.record(routeName(request.segments()), response.status(), System.nanoTime() - start);
        return response;
    }

    /** Serves a request the guard admitted. */
    private IndexResponse serve(IndexRequest request, Admission access) {
        try {
            if (!request.isHeadOrGet()) {
                return IndexResponse.text(405, "Method not allowed").header("Allow", "GET, HEAD");
            }
            return route(request, access);
        } catch (StorageException e) {
            LOG.error("Storage error on {}: {}", io.pypub.core.access.ApiKeyToken.redact(request.path()), e.getMessage());
            return IndexResponse.text(503, "Storage temporarily unavailable").header("Retry-After", "5");
        }
    }

    /** A fixed name per kind of URL, for metrics. */
    static String routeName(List<String> s) {
        if (s.isEmpty()) {
            return "root";
        }
        if (s.size() == 1) {
            return switch (s.get(0)) {
                case "healthz" -> "healthz";
                case "metrics" -> "metrics";
                default -> "stage_page";
            };
        }
        return switch (s.get(1)) {
            case "simple" -> s.size() == 2 ? "simple_index" : "simple_project";
            case "files" -> s.get(s.size() - 1).endsWith(".metadata") ? "metadata" : "file";
            case "docs" -> "docs";
            default -> s.size() == 3 ? "direct_download" : "other";
        };
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
        List<String> s = request.segments();
        if (s.size() == 1 && s.get(0).equals("healthz")) {
            return IndexResponse.text(200, "ok");
        }
        if (s.size() == 1 && s.get(0).equals("metrics")) {
            return IndexResponse.bytes(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(StandardCharsets.UTF_8));
        }
        if (s.isEmpty() || !isStage(s.get(0))) {
            return notFound();
        }
        Stage stage = Stage.of(s.get(0));
        if (s.size() == 1) {
            return request.endsWithSlash() ? stagePage(request, stage, access) : redirect(request, "/" + stage + "/");
        }
        if (s.size() >= 4 && s.get(1).equals("docs")) {
            return docs(request, stage, s.get(2), s.get(3), s.subList(4, s.size()));
        }
        if (s.size() >= 2 && s.get(1).equals("simple")) {
            if (s.size() == 2) {
                return request.endsWithSlash() ? projectList(request, stage, access) : redirect(request, "/" + stage + "/simple/");
            }
            if (s.size() == 3) {
                return projectPage(request, stage, s.get(2), access.linkQuery());
            }
            return notFound();
        }
        if (s.size() == 5 && s.get(1).equals("files")) {
            return download(stage, s.get(2), s.get(3), s.get(4));
        }
        if (s.size() == 3) {
            return directDownload(stage, s.get(1), s.get(2));
        }
        return notFound();
    }

    private static boolean isStage(String name) {
        try {
            Stage.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private IndexResponse projectList(IndexRequest request, Stage stage, Admission access) {
        SimpleFormat format = SimpleFormat.negotiate(request.header("Accept"));
        if (format == null) {
            return notAcceptable();
        }
        // A key limited to some projects sees only those; the shared rendering serves everyone else.
        List<ProjectEntry> all = catalog.projects(stage);
        List<ProjectEntry> projects = all.stream().filter(p -> access.allowsProject(p.name())).toList();
        String linkQuery = access.linkQuery();
        if (projects.size() != all.size()) {
            return page(request, format, pages.projectList(projects, format, linkQuery));
        }
        // The link query (a key, when it came in the URL) is part of the cache key: pages never mix clients.
        return page(request, format, rendered.get("list " + stage + " " + format + " " + linkQuery, all,
                () -> pages.projectList(all, format, linkQuery)));
    }

    private IndexResponse projectPage(IndexRequest request, Stage stage, String name, String linkQuery) {
        if (!ProjectName.isValid(name)) {
            return notFound();
        }
        String normalized = ProjectName.normalize(name);
        if (!normalized.equals(name) || !request.endsWithSlash()) {
            return redirect(request, "/" + stage + "/simple/" + normalized + "/");
        }
        SimpleFormat format = SimpleFormat.negotiate(request.header("Accept"));
        if (format == null) {
            return notAcceptable();
        }
        // A pinned latest shows newer releases as yanked, so installers get the pin (see ServedReleases).
        List<Release> releases = ServedReleases.of(catalog.releases(stage, normalized), catalog.latest(stage, normalized));
        if (releases.isEmpty()) {
            return notFound();
        }
        return page(request, format, rendered.get("project " + stage + " " + normalized + " " + format + " " + linkQuery, releases, () -> {
            String display = releases.stream().max(Comparator.comparing(Release::version)).map(Release::displayName)
                    .orElse(normalized);
            return pages.projectPage(normalized, display, releases, format, linkQuery);
        }));
    }

    /** Serves a rendered page with an ETag, answering 304 when the client has it already. */
    private static IndexResponse page(IndexRequest request, SimpleFormat format, byte[] body) {
        return page(request, format, RenderedPages.Page.of(body));
    }

    private static IndexResponse page(IndexRequest request, SimpleFormat format, RenderedPages.Page page) {
        String etag = page.etag();
        byte[] body = page.body();
        String ifNoneMatch = request.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
            return IndexResponse.bytes(304, format.contentType(), new byte[0]).header("ETag", etag).header("Vary", "Accept");
        }
        return IndexResponse.bytes(200, format.contentType(), body)
                .header("ETag", etag)
                .header("Vary", "Accept")
                .header("Cache-Control", "max-age=0, must-revalidate");
    }

    private IndexResponse download(Stage stage, String project, String versionText, String filename) {
        boolean metadata = filename.endsWith(".metadata");
        String distName = metadata ? filename.substring(0, filename.length() - ".metadata".length()) : filename;
        Optional<ReleaseFile> file = findFile(stage, project, versionText, distName);
        if (file.isEmpty()) {
            return notFound();
        }
        ReleaseFile f = file.get();
        if (metadata) {
            if (f.metadataSha256() == null) {
                return notFound();
            }
            return serveObject(store, StorageLayout.metadataKey(f), "text/plain; charset=utf-8", -1, null);
        }
        return serveObject(store, f.objectKey(), DIST_TYPE, f.size(), f.filename());
    }

    /** {@code /{stage}/{project}/{version|latest}}: the release's sdist, as the old endpoint served it. */
    private IndexResponse directDownload(Stage stage, String name, String versionText) {
        if (!ProjectName.isValid(name)) {
            return notFound();
        }
        String project = ProjectName.normalize(name);
        List<Release> releases = catalog.releases(stage, project);
        Optional<Release> release;
        if (versionText.equals("latest")) {
            release = latest(stage, project, releases);
        } else if (Version.isValid(versionText)) {
            Version v = Version.parse(versionText);
            release = releases.stream().filter(r -> r.version().equals(v)).findFirst();
        } else {
            return notFound();
        }
        if (release.isEmpty() || release.get().primaryFile() == null) {
            return notFound();
        }
        ReleaseFile f = release.get().primaryFile();
        return serveObject(store, f.objectKey(), DIST_TYPE, f.size(), f.filename());
    }

    private Optional<Release> latest(Stage stage, String project, List<Release> releases) {
        // The latest pointer decides (it may be pinned by a rollback).
        var pointer = catalog.latest(stage, project);
        if (pointer.isEmpty()) {
            return Optional.empty();
        }
        Version v = Version.parse(pointer.get().version());
        return releases.stream().filter(r -> r.version().equals(v)).findFirst();
    }

    private Optional<ReleaseFile> findFile(Stage stage, String project, String versionText, String filename) {
        if (!ProjectName.isValid(project) || !Version.isValid(versionText)) {
            return Optional.empty();
        }
        Version v = Version.parse(versionText);
        return catalog.releases(stage, ProjectName.normalize(project)).stream()
                .filter(r -> r.version().equals(v))
                .flatMap(r -> r.files().stream())
                .filter(f -> f.filename().equals(filename))
                .findFirst();
    }

    private IndexResponse serveObject(S3ArtifactStore from, String key, String contentType, long size, String attachmentName) {
        IndexResponse response;
        if (settings.downloadMode() == IndexSettings.DownloadMode.REDIRECT) {
            String url = aws.presigner().presignGetObject(b -> b.signatureDuration(settings.presignTtl())
                    .getObjectRequest(g -> {
                        g.bucket(from.bucket()).key(key);
                        if (attachmentName != null) {
                            g.responseContentDisposition(contentDisposition(attachmentName));
                        }
                    })).url().toString();
            return IndexResponse.redirect(302, url).header("Cache-Control", "no-store");
        }
        long length = size;
        if (length < 0) {
            var head = from.head(key);
            if (head.isEmpty()) {
                return notFound();
            }
            length = head.get().size();
        }
        response = IndexResponse.stream(contentType, length, () -> from.open(key));
        if (attachmentName != null) {
            response.header("Content-Disposition", contentDisposition(attachmentName));
        }
        return response;
    }

    /**
     * {@code /{stage}/docs/{project}/{version|latest}/{path}}: the release's pdoc HTML, with
     * {@code index.html} for folders. Only paths made of plain file-name segments are served.
     */
    private IndexResponse docs(IndexRequest request, Stage stage, String name, String versionText, List<String> rest) {
        if (!ProjectName.isValid(name)) {
            return notFound();
        }
        String project = ProjectName.normalize(name);
        for (String segment : rest) {
            if (!DOCS_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return IndexResponse.text(400, "Bad request: invalid docs path");
            }
        }
        List<Release> releases = catalog.releases(stage, project);
        Optional<Release> release = versionText.equals("latest") ? latest(stage, project, releases)
                : Version.isValid(versionText)
                        ? releases.stream().filter(r -> r.version().equals(Version.parse(versionText))).findFirst()
                        : Optional.empty();
        if (release.isEmpty() || release.get().docsPrefix() == null) {
            return notFound();
        }
        if (rest.isEmpty() && !request.endsWithSlash()) {
            return redirect(request, "/" + stage + "/docs/" + project + "/" + versionText + "/");
        }
        String relative = String.join("/", rest);
        if (rest.isEmpty() || request.endsWithSlash()) {
            relative = relative.isEmpty() ? "index.html" : relative + "/index.html";
        }
        return serveObject(docsStore, release.get().docsPrefix() + relative, ContentTypes.forFileName(relative), -1, null);
    }

    /** {@code /{stage}/}: a page for people, listing projects, versions, install commands and docs. */
    private IndexResponse stagePage(IndexRequest request, Stage stage, Admission access) {
        List<StagePage.Entry> entries = new java.util.ArrayList<>();
        for (ProjectEntry p : catalog.projects(stage)) {
            if (!access.allowsProject(p.name())) {
                continue;
            }
            List<Release> releases = catalog.releases(stage, p.name());
            if (!releases.isEmpty()) {
                entries.add(new StagePage.Entry(p, releases));
            }
        }
        String scheme = "https".equalsIgnoreCase(request.header("X-Forwarded-Proto")) ? "https" : "http";
        String host = request.header("Host");
        String base = host == null || !HOST.matcher(host).matches() ? "" : scheme + "://" + host;
        return page(request, SimpleFormat.HTML, stagePage.render(stage, base, entries));
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
