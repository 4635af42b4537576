package io.pypub.server.pages;

import static io.pypub.server.pages.Html.escape;

import io.pypub.core.notify.IndexLinks;
import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The pages for people: stage (search, sort, pages of 50), project and version, and sign-in.
 * Server-rendered HTML with one small inline style sheet, no script: every value from package
 * metadata is escaped, READMEs go through {@link Readme}, and links to metadata URLs are shown only
 * for http(s). Links are relative (the index works under any prefix) and carry {@code ?key=} onward
 * only when the key came that way.
 */
public final class HumanPages {
    public static final int PAGE_SIZE = 50;
    /** Served with every page: no script at all, styles only inline, forms only to this index. */
    public static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static final String STYLE = ":root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--line:#d0d7de;--bg:#fff;"
            + "--code:#f3f4f6;--accent:#0b57d0;--warn:#8a4b00}"
            + "@media(prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#a8adb4;--line:#3c4043;--bg:#17181a;--code:#25272a;"
            + "--accent:#8ab4f8;--warn:#f2b36b}}"
            + "*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:var(--fg);"
            + "background:var(--bg)}a{color:var(--accent)}header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;"
            + "padding:.6rem 1rem;border-bottom:1px solid var(--line)}header .brand{font-weight:600;text-decoration:none}"
            + "header .who{margin-left:auto;color:var(--muted);font-size:.9rem}header form{margin:0}"
            + "main{max-width:60rem;margin:0 auto;padding:1rem}h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.2rem;"
            + "margin-top:1.6rem;border-bottom:1px solid var(--line)}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;"
            + "font-size:.9rem;background:var(--code);border-radius:4px}code{padding:.1rem .3rem}pre{padding:.6rem;overflow-x:auto}"
            + ".copy{user-select:all;-webkit-user-select:all;white-space:pre-wrap;word-break:break-all;display:block;padding:.5rem}"
            + ".muted{color:var(--muted)}.badge{display:inline-block;font-size:.8rem;padding:0 .4rem;border:1px solid var(--line);"
            + "border-radius:1rem;margin-left:.3rem}.yanked{color:var(--warn)}.yanked .v{text-decoration:line-through}"
            + "ul.projects{list-style:none;padding:0}ul.projects li{padding:.6rem 0;border-bottom:1px solid var(--line)}"
            + "ul.projects p{margin:.2rem 0}.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}"
            + ".search input[type=search]{flex:1 1 14rem;font-size:1rem;padding:.45rem}.search select,.search button,"
            + "button,input{font-size:1rem;padding:.4rem .7rem}table{border-collapse:collapse;width:100%;font-size:.95rem}"
            + "th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}"
            + ".size{white-space:nowrap}.wrap{overflow-x:auto}.hash{font-family:ui-monospace,monospace;font-size:.8rem;word-break:break-all}"
            + ".readme{border:1px solid var(--line);border-radius:6px;padding:0 1rem;overflow-wrap:anywhere}.readme img{max-width:100%}"
            + "nav.pages{display:flex;gap:1rem;margin:1rem 0}label{font-weight:600}.field{display:flex;flex-direction:column;"
            + "gap:.2rem;margin:.8rem 0;max-width:26rem}.error{color:var(--warn);font-weight:600}"
            + ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:var(--bg)}"
            + "@media(max-width:40rem){th.opt,td.opt{display:none}main{padding:.6rem}}";

    /**
     * Who is looking, for the header and links.
     *
     * @param who "key ID (client)" or "user NAME" when signed in through the sign-in page, else null
     * @param linkQuery {@code ?key=...} when the key came in the URL, else ""
     */
    public record Viewer(String who, boolean session, String linkQuery, boolean offerSignIn) {
        public static final Viewer ANONYMOUS = new Viewer(null, false, "", false);

        String link(String relative) {
            return relative + linkQuery;
        }

        /** A link with its own query parameters, plus the key when it came in the URL. */
        String link(String relative, Map<String, String> params) {
            StringBuilder q = new StringBuilder(linkQuery);
            for (var e : params.entrySet()) {
                if (e.getValue() == null || e.getValue().isEmpty()) {
                    continue;
                }
                q.append(q.length() == 0 ? '?' : '&').append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            }
            return relative + q;
        }
    }

    /**
     * A stage's upstreams as its page shows them (issue 14).
     *
     * @param urls the upstream base URLs, asked in order, without credentials
     * @param mode {@code cache} or {@code redirect}
     * @param privatePatterns the name patterns never looked up upstream
     * @param reservedNames how many names are reserved with {@code pypub names reserve}
     */
    public record Upstreams(List<String> urls, String mode, List<String> privatePatterns, int reservedNames) {}

    /** One entry of a project list, with the link to its page. */
    public record Listing(List<ProjectEntry> projects, int total, int page, int pages) {}

    private final String publicUrl;

    /** @param publicUrl the configured public URL for install lines, or null (a placeholder host) */
    public HumanPages(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    // ---- stage ---------------------------------------------------------------------------------

    /**
     * Filters and sorts a stage's registry: {@code q} matches name and summary (case-insensitive,
     * every word), {@code sort} is {@code name} or {@code updated}; pages of {@value #PAGE_SIZE}.
     */
    public static Listing list(List<ProjectEntry> all, String q, String sort, int page) {
        String[] words = q == null ? new String[0] : q.toLowerCase(Locale.ROOT).strip().split("\\s+");
        List<ProjectEntry> hits = all.stream().filter(p -> matches(p, words)).sorted(comparator(sort)).toList();
        int pages = Math.max(1, (hits.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int current = Math.min(Math.max(page, 1), pages);
        int from = (current - 1) * PAGE_SIZE;
        return new Listing(hits.subList(from, Math.min(hits.size(), from + PAGE_SIZE)), hits.size(), current, pages);
    }

    private static boolean matches(ProjectEntry p, String[] words) {
        for (String w : words) {
            if (w.isEmpty()) {
                continue;
            }
            boolean hit = p.name().contains(w) || (p.displayName() != null && p.displayName().toLowerCase(Locale.ROOT).contains(w))
                    || (p.summary() != null && p.summary().toLowerCase(Locale.ROOT).contains(w));
            if (!hit) {
                return false;
            }
        }
        return true;
    }

    private static Comparator<ProjectEntry> comparator(String sort) {
        Comparator<ProjectEntry> byName = Comparator.comparing(ProjectEntry::name);
        if ("updated".equals(sort)) {
            return Comparator.comparing((ProjectEntry p) -> p.updated() == null ? Instant.EPOCH : p.updated()).reversed()
                    .thenComparing(byName);
        }
        return byName;
    }

    public byte[] stage(Stage stage, Listing listing, String q, String sort, Viewer viewer) {
        return stage(stage, listing, q, sort, viewer, null);
    }

    /** @param upstreams the stage's upstreams, or null when it has none */
    public byte[] stage(Stage stage, Listing listing, String q, String sort, Viewer viewer, Upstreams upstreams) {
        String simple = links().simpleIndex(stage);
        boolean byUpdate = "updated".equals(sort);
        StringBuilder b = new StringBuilder(8192);
        b.append("<h1>Packages in <code>").append(escape(stage.name())).append("</code></h1>\n")
                .append("<form class=\"search\" role=\"search\" method=\"get\" action=\"./\">\n");
        if (!viewer.linkQuery().isEmpty()) {
            String key = java.net.URLDecoder.decode(viewer.linkQuery().substring("?key=".length()), StandardCharsets.UTF_8);
            b.append("<input type=\"hidden\" name=\"key\" value=\"").append(escape(key)).append("\">\n");
        }
        b.append("<label for=\"q\" class=\"skip\">Search projects</label>")
                .append("<input type=\"search\" id=\"q\" name=\"q\" placeholder=\"Search names and summaries\" value=\"")
                .append(escape(q == null ? "" : q)).append("\">\n")
                .append("<label for=\"sort\" class=\"skip\">Sort by</label><select id=\"sort\" name=\"sort\">")
                .append("<option value=\"name\"").append(byUpdate ? "" : " selected").append(">Name</option>")
                .append("<option value=\"updated\"").append(byUpdate ? " selected" : "").append(">Last release</option></select>\n")
                .append("<button type=\"submit\">Search</button>\n</form>\n");
        b.append("<p class=\"muted\" id=\"count\">").append(listing.total()).append(listing.total() == 1 ? " project" : " projects");
        if (q != null && !q.isBlank()) {
            b.append(" matching <q>").append(escape(q.strip())).append("</q>");
        }
        b.append("</p>\n");
        if (listing.total() == 0) {
            b.append("<p>").append(q == null || q.isBlank() ? "No packages published to this stage yet." : "Nothing matches.")
                    .append("</p>\n");
        }
        b.append("<ul class=\"projects\">\n");
        for (ProjectEntry p : listing.projects()) {
            b.append("<li><a class=\"project\" href=\"")
                    .append(escape(viewer.link(new IndexRoute.ProjectPage(stage, p.name()).pathFromStage()))).append("\">")
                    .append(escape(p.displayName() == null ? p.name() : p.displayName())).append("</a>");
            if (p.latestVersion() != null) {
                b.append(" <span class=\"badge\">").append(escape(p.latestVersion())).append("</span>");
            }
            if (p.updated() != null) {
                b.append(" <time class=\"muted\" datetime=\"").append(p.updated()).append("\">").append(DAY.format(p.updated()))
                        .append("</time>");
            }
            if (p.summary() != null) {
                b.append("<p>").append(escape(p.summary())).append("</p>");
            }
            b.append("</li>\n");
        }
        b.append("</ul>\n");
        if (listing.pages() > 1) {
            b.append("<nav class=\"pages\" aria-label=\"Pages\">");
            if (listing.page() > 1) {
                b.append("<a rel=\"prev\" href=\"").append(escape(viewer.link("./", params(q, sort, listing.page() - 1))))
                        .append("\">Previous</a>");
            }
            b.append("<span>Page ").append(listing.page()).append(" of ").append(listing.pages()).append("</span>");
            if (listing.page() < listing.pages()) {
                b.append("<a rel=\"next\" href=\"").append(escape(viewer.link("./", params(q, sort, listing.page() + 1))))
                        .append("\">Next</a>");
            }
            b.append("</nav>\n");
        }
        if (upstreams != null) {
            upstreams(b, upstreams);
        }
        b.append("<h2>Install from this stage</h2>\n<code class=\"copy\">pip install --index-url ").append(escape(simple))
                .append(" PROJECT</code>\n<p class=\"muted\">Tools send the key as the password: <code>https://__token__:KEY@")
                .append("host/...</code>, or <code>Authorization: Bearer KEY</code>.</p>\n");
        return layout(stage.name() + " packages", "../", viewer, stage, "", b);
    }

    /** Where projects the stage does not have come from, and which names never do: what a user must know to trust the URL. */
    private static void upstreams(StringBuilder b, Upstreams u) {
        b.append("<h2 id=\"upstreams\">Upstreams</h2>\n<p>Projects this stage does not have come from ")
                .append(u.urls().size() == 1 ? "this upstream index" : "these upstream indexes, asked in order")
                .append(". A project the stage has is never looked up there: its versions are never mixed with the upstream's.</p>\n")
                .append("<ul class=\"upstreams\">\n");
        for (String url : u.urls()) {
            b.append("<li><code>").append(escape(url)).append("</code></li>\n");
        }
        b.append("</ul>\n<dl>\n");
        definition(b, "Mode", u.mode().equals("cache")
                ? "cache: each file is fetched once, checked against the upstream's sha256 and kept here"
                : "redirect: downloads go to the upstream itself");
        definition(b, "Private names", u.privatePatterns().isEmpty() ? "none (only the names this stage has)"
                : String.join(", ", u.privatePatterns()) + " (never looked up upstream)");
        definition(b, "Reserved names", u.reservedNames() + (u.reservedNames() == 1 ? " name" : " names")
                + " never looked up upstream (pypub names reserve)");
        b.append("</dl>\n");
    }

    private static Map<String, String> params(String q, String sort, int page) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("q", q == null ? "" : q.strip());
        m.put("sort", "updated".equals(sort) ? sort : "");
        m.put("page", Integer.toString(page));
        return m;
    }

    // ---- project -------------------------------------------------------------------------------

    /**
     * @param releases the project's releases as recorded (not as served: pins are shown as pins)
     * @param metadata the core metadata of the latest release's file
     */
    public byte[] project(Stage stage, String project, List<Release> releases, Optional<LatestPointer> latest,
            PackageMetadata metadata, Viewer viewer) {
        List<Release> sorted = releases.stream().sorted(Comparator.comparing(Release::version).reversed()).toList();
        Release shown = current(sorted, latest);
        String name = shown.displayName() == null ? project : shown.displayName();
        String toStage = "../../../";
        String simple = links().simpleIndex(stage);
        StringBuilder b = new StringBuilder(8192);
        b.append("<h1>").append(escape(name)).append(" <span class=\"badge\">").append(escape(shown.version().normalized()))
                .append("</span></h1>\n");
        if (shown.summary() != null) {
            b.append("<p class=\"summary\">").append(escape(shown.summary())).append("</p>\n");
        }
        latest.filter(LatestPointer::pinned).ifPresent(l -> b.append("<p class=\"yanked\">Latest is pinned to ")
                .append(escape(l.version())).append(l.pinReason() == null ? "" : ": " + escape(l.pinReason()))
                .append(" (newer versions are served to installers as yanked).</p>\n"));
        b.append("<h2>Install</h2>\n")
                .append("<p><label>pip</label><code class=\"copy\">pip install --index-url ").append(escape(simple)).append(' ')
                .append(escape(project)).append("</code></p>\n")
                .append("<p><label>uv</label><code class=\"copy\">uv pip install --index-url ").append(escape(simple)).append(' ')
                .append(escape(project)).append("</code></p>\n")
                .append("<p><label>poetry</label><code class=\"copy\">poetry source add --priority=explicit pypub ")
                .append(escape(simple)).append("\npoetry add --source pypub ").append(escape(project)).append("</code></p>\n");
        b.append("<h2>About</h2>\n<dl>\n");
        definition(b, "Requires Python", fileRequiresPython(shown));
        definition(b, "Author", metadata.author());
        definition(b, "License", metadata.license());
        provenance(b, shown, toStage, viewer, stage, project);
        b.append("</dl>\n");
        links(b, metadata, shown, toStage, viewer, stage, project);
        b.append("<h2>Dependencies</h2>\n");
        if (metadata.requiresDist().isEmpty()) {
            b.append("<p class=\"muted\">None declared.</p>\n");
        } else {
            b.append("<ul class=\"deps\">");
            for (String d : metadata.requiresDist()) {
                b.append("<li><code>").append(escape(d)).append("</code></li>");
            }
            b.append("</ul>\n");
        }
        b.append("<h2>Versions</h2>\n<div class=\"wrap\"><table class=\"versions\">\n<thead><tr><th scope=\"col\">Version</th>")
                .append("<th scope=\"col\">Released</th><th scope=\"col\">Status</th><th scope=\"col\" class=\"opt\">Python</th>")
                .append("<th scope=\"col\">Docs</th></tr></thead>\n<tbody>\n");
        String latestVersion = latest.map(LatestPointer::version).orElse(null);
        for (Release r : sorted) {
            String v = r.version().normalized();
            b.append("<tr").append(r.yanked() ? " class=\"yanked\"" : "").append("><td><a class=\"v\" href=\"")
                    .append(escape(viewer.link(v + "/"))).append("\">").append(escape(v)).append("</a></td><td>")
                    .append(time(released(r), DAY)).append("</td><td>");
            if (v.equals(latestVersion)) {
                b.append("<span class=\"badge\">latest").append(latest.get().pinned() ? " (pinned)" : "").append("</span> ");
            }
            if (r.yanked()) {
                b.append("yanked").append(r.yankReason() == null ? "" : ": " + escape(r.yankReason()));
            }
            b.append("</td><td class=\"opt\">").append(escape(orEmpty(fileRequiresPython(r)))).append("</td><td>");
            if (r.docsPrefix() != null) {
                b.append("<a href=\"").append(escape(viewer.link(toStage + new IndexRoute.Docs(stage, project, v, List.of())
                        .pathFromStage()))).append("\">docs</a>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n");
        String readme = Readme.html(metadata.description(), metadata.descriptionContentType());
        if (!readme.isEmpty()) {
            b.append("<h2>Description</h2>\n<div class=\"readme\">").append(readme).append("</div>\n");
        }
        return layout(name, "../../../../", viewer, stage, project, b);
    }

    /** The release the page is about: what {@code latest} names, else the newest. */
    private static Release current(List<Release> sortedNewestFirst, Optional<LatestPointer> latest) {
        if (latest.isPresent()) {
            for (Release r : sortedNewestFirst) {
                if (r.version().normalized().equals(latest.get().version())) {
                    return r;
                }
            }
        }
        return sortedNewestFirst.get(0);
    }

    // ---- version -------------------------------------------------------------------------------

    /**
     * @param promotions the stages this release was promoted through, nearest first (from {@code promoted_from})
     */
    public byte[] version(Stage stage, String project, Release r, Optional<LatestPointer> latest, List<Stage> promotions,
            PackageMetadata metadata, Viewer viewer) {
        String v = r.version().normalized();
        String name = r.displayName() == null ? project : r.displayName();
        String toStage = "../../../../";
        StringBuilder b = new StringBuilder(4096);
        b.append("<p><a href=\"").append(escape(viewer.link("../"))).append("\">&larr; ").append(escape(name)).append("</a></p>\n")
                .append("<h1>").append(escape(name)).append(' ').append(escape(v));
        if (latest.isPresent() && latest.get().version().equals(v)) {
            b.append(" <span class=\"badge\">latest").append(latest.get().pinned() ? " (pinned)" : "").append("</span>");
        }
        b.append("</h1>\n");
        if (r.summary() != null) {
            b.append("<p class=\"summary\">").append(escape(r.summary())).append("</p>\n");
        }
        if (r.yanked()) {
            b.append("<p class=\"yanked\">Yanked").append(r.yankReason() == null ? "" : ": " + escape(r.yankReason()))
                    .append("</p>\n");
        }
        String simple = links().simpleIndex(stage);
        b.append("<code class=\"copy\">pip install --index-url ").append(escape(simple)).append(' ').append(escape(project))
                .append("==").append(escape(v)).append("</code>\n");
        b.append("<h2>Files</h2>\n<div class=\"wrap\"><table class=\"files\">\n<thead><tr><th scope=\"col\">File</th>")
                .append("<th scope=\"col\">Size</th><th scope=\"col\" class=\"opt\">Uploaded</th><th scope=\"col\">sha256</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (ReleaseFile f : r.files()) {
            String file = toStage + new IndexRoute.File(stage, project, v, f.filename()).pathFromStage();
            b.append("<tr><td><a href=\"").append(escape(viewer.link(file))).append("\">").append(escape(f.filename()))
                    .append("</a>");
            if (f.metadataSha256() != null) {
                b.append(" <a class=\"muted\" href=\"").append(escape(viewer.link(file + ".metadata"))).append("\">metadata</a>");
            }
            if (f.requiresPython() != null) {
                b.append("<br><span class=\"muted\">Python ").append(escape(f.requiresPython())).append("</span>");
            }
            b.append("</td><td class=\"size\">").append(size(f.size())).append("</td><td class=\"opt\">").append(time(f.uploadTime(), MINUTE))
                    .append("</td><td class=\"hash\">").append(escape(f.sha256())).append("</td></tr>\n");
        }
        b.append("</tbody></table></div>\n<h2>Provenance</h2>\n<dl>\n");
        definition(b, "Requires Python", fileRequiresPython(r));
        provenance(b, r, toStage, viewer, stage, project);
        if (!promotions.isEmpty()) {
            b.append("<dt>Promoted</dt><dd class=\"promotions\">");
            for (Stage from : promotions) {
                b.append(escape(from.name())).append(" &rarr; ");
            }
            b.append(escape(stage.name())).append("</dd>\n");
        }
        b.append("</dl>\n");
        links(b, metadata, r, toStage, viewer, stage, project);
        if (!metadata.requiresDist().isEmpty()) {
            b.append("<h2>Dependencies</h2>\n<ul class=\"deps\">");
            for (String d : metadata.requiresDist()) {
                b.append("<li><code>").append(escape(d)).append("</code></li>");
            }
            b.append("</ul>\n");
        }
        return layout(name + " " + v, toStage + "../", viewer, stage, project, b);
    }

    // ---- sign-in -------------------------------------------------------------------------------

    /**
     * @param error what went wrong with the last attempt, or null
     * @param authOff true when the index has no access control (nothing to sign in to)
     */
    public static byte[] signIn(String next, String error, boolean authOff, Viewer viewer) {
        StringBuilder b = new StringBuilder(2048);
        b.append("<h1>Sign in</h1>\n");
        if (authOff) {
            b.append("<p>This index runs without access control: every page is open.</p>\n");
        }
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>\n");
        }
        b.append("<p>With your <strong>API key</strong> (leave the user name empty), or a <strong>docs user</strong>'s name ")
                .append("and password. The browser keeps a session cookie for an hour; the key itself is not stored in it.</p>\n")
                .append("<form method=\"post\" action=\"signin\">\n")
                .append("<input type=\"hidden\" name=\"next\" value=\"").append(escape(next == null ? "" : next)).append("\">\n")
                .append("<div class=\"field\"><label for=\"user\">User name <span class=\"muted\">(docs users only)</span></label>")
                .append("<input id=\"user\" name=\"user\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\">")
                .append("</div>\n<div class=\"field\"><label for=\"secret\">API key or password</label>")
                .append("<input id=\"secret\" name=\"secret\" type=\"password\" autocomplete=\"current-password\" required>")
                .append("</div>\n<button type=\"submit\" id=\"signin\">Sign in</button>\n</form>\n");
        return layout("Sign in", "../", viewer, null, "", b);
    }

    public static byte[] signedOut() {
        StringBuilder b = new StringBuilder("<h1>Signed out</h1>\n<p>The session cookie is gone. <a href=\"signin\">Sign in again</a>.</p>\n");
        return layout("Signed out", "../", Viewer.ANONYMOUS, null, "", b);
    }

    // ---- pieces --------------------------------------------------------------------------------

    private IndexLinks links() {
        return IndexLinks.orPlaceholder(publicUrl);
    }

    private static void provenance(StringBuilder b, Release r, String toStage, Viewer viewer, Stage stage, String project) {
        if (r.publishedBy() != null) {
            b.append("<dt>Published by</dt><dd class=\"published-by\">");
            if (PackageMetadata.isSafeLink(r.publishedBy())) {
                b.append("<a rel=\"nofollow noopener noreferrer\" href=\"").append(escape(r.publishedBy())).append("\">")
                        .append(escape(r.publishedBy())).append("</a>");
            } else {
                b.append(escape(r.publishedBy()));
            }
            b.append("</dd>\n");
        }
        definition(b, "Source revision", r.sourceRevision());
        buildProvenance(b, r.provenance(), r.sourceRevision());
        if (released(r) != null) {
            b.append("<dt>Released</dt><dd>").append(time(released(r), MINUTE)).append("</dd>\n");
        }
    }

    private static void links(StringBuilder b, PackageMetadata m, Release r, String toStage, Viewer viewer, Stage stage,
            String project) {
        StringBuilder items = new StringBuilder();
        if (r.docsPrefix() != null) {
            items.append("<li><a class=\"docs\" href=\"").append(escape(viewer.link(toStage + new IndexRoute.Docs(stage, project,
                    r.version().normalized(), List.of()).pathFromStage()))).append("\">API documentation (")
                    .append(escape(r.version().normalized())).append(")</a></li>");
        }
        if (m.homePage() != null) {
            link(items, "Homepage", m.homePage());
        }
        m.projectUrls().forEach((label, url) -> link(items, label, url));
        if (items.length() > 0) {
            b.append("<h2>Links</h2>\n<ul class=\"links\">").append(items).append("</ul>\n");
        }
    }

    /** A metadata URL: a link only when it is plainly http(s), else text. */
    private static void link(StringBuilder b, String label, String url) {
        b.append("<li>").append(escape(label)).append(": ");
        if (PackageMetadata.isSafeLink(url)) {
            b.append("<a rel=\"nofollow noopener noreferrer\" href=\"").append(escape(url)).append("\">").append(escape(url))
                    .append("</a>");
        } else {
            b.append("<code>").append(escape(url)).append("</code>");
        }
        b.append("</li>");
    }

    /**
     * The build that published the release and the builds that promoted it (core's {@link Provenance}). Only on
     * the human pages: installers never read it, and the PEP 691 JSON stays exactly the standard's.
     */
    private static void buildProvenance(StringBuilder b, Provenance p, String sourceRevision) {
        if (p.job() != null || p.buildUrl() != null) {
            String label = (p.job() == null ? "build" : p.job()) + (p.buildNumber() == null ? "" : " #" + p.buildNumber());
            b.append("<dt>Build</dt><dd class=\"provenance-build\">").append(link(p.buildUrl(), label)).append("</dd>\n");
        }
        if (p.jenkinsUrl() != null) {
            b.append("<dt>Jenkins</dt><dd class=\"provenance-jenkins\">").append(link(p.jenkinsUrl(), p.jenkinsUrl()))
                    .append("</dd>\n");
        }
        if (p.commit() != null && !p.commit().equals(sourceRevision)) {
            definition(b, "Commit", p.commit());
        }
        definition(b, "Agent", p.agent());
        definition(b, "pypub plugin", p.pluginVersion());
        definition(b, "Uploaded by", p.uploadedBy());
        for (Provenance.Promotion pr : p.promotions()) {
            b.append("<dt>Promoted</dt><dd class=\"provenance-promotion\">").append(escape(pr.from().name())).append(" &rarr; ")
                    .append(escape(pr.to().name()));
            if (pr.by() != null) {
                b.append(" by ").append(link(pr.by(), pr.by()));
            }
            if (pr.at() != null) {
                b.append(", ").append(time(pr.at(), MINUTE));
            }
            b.append("</dd>\n");
        }
    }

    /** A link when {@code url} is a safe http(s) URL, else the escaped label alone. */
    private static String link(String url, String label) {
        if (url != null && PackageMetadata.isSafeLink(url)) {
            return "<a rel=\"nofollow noopener noreferrer\" href=\"" + escape(url) + "\">" + escape(label) + "</a>";
        }
        return escape(label);
    }

    private static void definition(StringBuilder b, String term, String value) {
        if (value != null && !value.isBlank()) {
            b.append("<dt>").append(escape(term)).append("</dt><dd>").append(escape(value)).append("</dd>\n");
        }
    }

    private static String fileRequiresPython(Release r) {
        return r.files().stream().map(ReleaseFile::requiresPython).filter(x -> x != null && !x.isBlank()).findFirst().orElse(null);
    }

    /** When a release was published: its record's time, else its first file's upload time. */
    static Instant released(Release r) {
        if (r.publishedAt() != null) {
            return r.publishedAt();
        }
        return r.files().stream().map(ReleaseFile::uploadTime).filter(t -> t != null).min(Comparator.naturalOrder()).orElse(null);
    }

    private static String time(Instant t, DateTimeFormatter format) {
        return t == null ? "" : "<time datetime=\"" + t + "\">" + format.format(t) + "</time>";
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The page around a body: header with the stage and sign-in state, one inline style sheet, no script. */
    private static byte[] layout(String title, String toRoot, Viewer viewer, Stage stage, String project, StringBuilder body) {
        StringBuilder h = new StringBuilder(body.length() + STYLE.length() + 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").append(escape(title))
                .append(" · pypub</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>");
        if (stage != null) {
            h.append("<a class=\"brand\" href=\"").append(escape(viewer.link(toRoot + stage.name() + "/"))).append("\">pypub · ")
                    .append(escape(stage.name())).append("</a>");
        } else {
            h.append("<span class=\"brand\">pypub</span>");
        }
        if (viewer.session()) {
            h.append("<span class=\"who\">Signed in").append(viewer.who() == null ? "" : " as " + escape(viewer.who()))
                    .append("</span><form method=\"post\" action=\"").append(escape(toRoot)).append("-/signout\">")
                    .append("<button type=\"submit\" id=\"signout\">Sign out</button></form>");
        } else if (viewer.offerSignIn() && viewer.who() == null && stage != null) {
            h.append("<span class=\"who\"><a href=\"").append(escape(toRoot)).append("-/signin\">Sign in</a></span>");
        }
        h.append("</header>\n<main id=\"main\">\n").append(body).append("</main>\n</body>\n</html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }
}
