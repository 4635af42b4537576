package io.pypub.server.pages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * PyPI's JSON API ({@code /pypi/<project>/json}, {@code /pypi/<project>/<version>/json}) for bots
 * such as Renovate and Dependabot: {@code info} (from the release's core metadata), {@code releases}
 * (project document only), {@code urls} (the files of the release in {@code info}), with sha256
 * digests, sizes, upload times and yanks. File URLs are absolute when the index has a public URL,
 * else relative to the document. PyPI's {@code md5_digest} is null: the index records sha256 only.
 */
public final class JsonApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String publicUrl;

    public JsonApi(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    /** The project document: {@code info} of the release {@code latest} names (else the newest). */
    public byte[] project(Stage stage, String project, List<Release> releases, Optional<LatestPointer> latest,
            PackageMetadata metadata) {
        List<Release> sorted = releases.stream().sorted(Comparator.comparing(Release::version)).toList();
        Release shown = sorted.get(sorted.size() - 1);
        if (latest.isPresent()) {
            for (Release r : sorted) {
                if (r.version().normalized().equals(latest.get().version())) {
                    shown = r;
                }
            }
        }
        String base = base(new IndexRoute.JsonProject(stage, project).path(), 3);
        ObjectNode root = JSON.createObjectNode();
        root.set("info", info(stage, project, shown, metadata));
        root.put("last_serial", lastSerial(sorted));
        ObjectNode rel = root.putObject("releases");
        for (Release r : sorted) {
            rel.set(r.version().normalized(), files(stage, project, r, base));
        }
        root.set("urls", files(stage, project, shown, base));
        root.putArray("vulnerabilities");
        return write(root);
    }

    public byte[] release(Stage stage, String project, Release r, List<Release> all, PackageMetadata metadata) {
        String base = base(new IndexRoute.JsonRelease(stage, project, r.version().normalized()).path(), 4);
        ObjectNode root = JSON.createObjectNode();
        root.set("info", info(stage, project, r, metadata));
        root.put("last_serial", lastSerial(all));
        root.set("urls", files(stage, project, r, base));
        root.putArray("vulnerabilities");
        return write(root);
    }

    /** From the document's own path to the index root: absolute with a public URL, else "../" per level. */
    private String base(String documentPath, int levels) {
        return publicUrl != null ? publicUrl + "/" : "../".repeat(levels);
    }

    private ObjectNode info(Stage stage, String project, Release r, PackageMetadata m) {
        ObjectNode info = JSON.createObjectNode();
        String v = r.version().normalized();
        info.put("name", r.displayName() == null ? project : r.displayName());
        info.put("version", v);
        info.put("summary", r.summary());
        info.put("description", m.description() == null ? "" : m.description());
        info.put("description_content_type", m.descriptionContentType());
        info.put("author", m.author());
        info.put("license", m.license());
        info.put("keywords", m.keywords());
        info.put("home_page", m.homePage());
        ArrayNode classifiers = info.putArray("classifiers");
        m.classifiers().forEach(classifiers::add);
        if (m.requiresDist().isEmpty()) {
            info.putNull("requires_dist");
        } else {
            ArrayNode deps = info.putArray("requires_dist");
            m.requiresDist().forEach(deps::add);
        }
        info.put("requires_python", r.files().stream().map(ReleaseFile::requiresPython).filter(x -> x != null && !x.isBlank())
                .findFirst().orElse(null));
        if (m.projectUrls().isEmpty()) {
            info.putNull("project_urls");
        } else {
            ObjectNode urls = info.putObject("project_urls");
            m.projectUrls().forEach(urls::put);
        }
        String root = publicUrl != null ? publicUrl : "";
        info.put("package_url", root + new IndexRoute.ProjectPage(stage, project).path());
        info.put("project_url", root + new IndexRoute.ProjectPage(stage, project).path());
        info.put("release_url", root + new IndexRoute.VersionPage(stage, project, v).path());
        if (r.docsPrefix() != null) {
            info.put("docs_url", root + new IndexRoute.Docs(stage, project, v, List.of()).path());
        } else {
            info.putNull("docs_url");
        }
        info.put("yanked", r.yanked());
        info.put("yanked_reason", r.yanked() ? r.yankReason() : null);
        info.putNull("bugtrack_url");
        info.putNull("download_url");
        info.putNull("platform");
        return info;
    }

    private ArrayNode files(Stage stage, String project, Release r, String base) {
        ArrayNode out = JSON.createArrayNode();
        String v = r.version().normalized();
        for (ReleaseFile f : r.files()) {
            ObjectNode o = out.addObject();
            o.put("filename", f.filename());
            o.put("packagetype", f.packageType() == PackageType.WHEEL ? "bdist_wheel" : "sdist");
            o.put("python_version", f.packageType() == PackageType.WHEEL ? pythonTag(f.filename()) : "source");
            o.put("requires_python", f.requiresPython());
            o.put("size", f.size());
            o.putObject("digests").put("sha256", f.sha256());
            o.putNull("md5_digest");
            Instant t = f.uploadTime();
            if (t != null) {
                o.put("upload_time", t.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", ""));
                o.put("upload_time_iso_8601", t.toString());
            } else {
                o.putNull("upload_time");
                o.putNull("upload_time_iso_8601");
            }
            o.put("url", base + new IndexRoute.File(stage, project, v, f.filename()).path().substring(1));
            o.put("yanked", r.yanked());
            o.put("yanked_reason", r.yanked() ? r.yankReason() : null);
            o.put("has_sig", false);
            o.put("comment_text", "");
            o.put("downloads", -1);
            if (f.metadataSha256() != null) {
                o.putObject("core_metadata").put("sha256", f.metadataSha256());
            } else {
                o.put("core_metadata", false);
            }
        }
        return out;
    }

    /** The python tag of a wheel file name ({@code name-ver-py3-none-any.whl}: {@code py3}). */
    private static String pythonTag(String filename) {
        String[] parts = filename.substring(0, filename.length() - ".whl".length()).split("-");
        return parts.length >= 5 ? parts[parts.length - 3] : "py3";
    }

    private static long lastSerial(List<Release> releases) {
        return releases.stream().map(HumanPages::released).filter(t -> t != null).mapToLong(Instant::getEpochSecond).max().orElse(0);
    }

    private static byte[] write(ObjectNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
