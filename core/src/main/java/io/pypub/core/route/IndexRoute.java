package io.pypub.core.route;

import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.util.List;

/**
 * One index URL, parsed once into what it asks for. Access control, serving, metrics and the audit
 * line all use the same value, and every URL the product prints (pages, install commands, notices)
 * is built by {@link #path()}, so the layout lives here and nowhere else.
 *
 * <p>The layout puts project names and route words ({@code simple}, {@code files}, {@code docs})
 * in the same path segment. The parse depends on the <em>shape</em> of the path only (how many
 * segments, which position holds a route word, a trailing slash), never on which projects exist,
 * so a project named like a route word cannot change which credential a request needs:
 * <pre>
 *   route               path                                              needs      metric
 *   Health              /healthz                                          nothing    healthz
 *   Ready               /readyz                                           nothing    readyz
 *   Metrics             /metrics                                          nothing    metrics
 *   SignIn              /-/signin                                         (checks what it is sent)  sign_in
 *   SignOut             /-/signout                                        (clears the session)      sign_out
 *   StagePage           /{stage}/                                         page       stage_page
 *   ProjectPage         /{stage}/-/project/{project}/                     page       project_page
 *   VersionPage         /{stage}/-/project/{project}/{version}/           page       version_page
 *   JsonProject         /{stage}/pypi/{project}/json                      key        json_project
 *   JsonRelease         /{stage}/pypi/{project}/{version}/json            key        json_release
 *   SimpleIndex         /{stage}/simple/                                  key        simple_index
 *   SimpleProject       /{stage}/simple/{project}/                        key        simple_project
 *   File                /{stage}/files/{project}/{version}/{filename}     key, counted  file
 *   Metadata            /{stage}/files/{project}/{version}/{filename}.metadata  key  metadata
 *   Direct              /{stage}/{project}/{version|latest}               key, counted  direct_download
 *   Docs                /{stage}/docs/{project}/{version|latest}/{path}   docs login docs
 *   Upload              /{stage}/legacy/  (POST)                          publish key upload
 *   UpstreamFile        /{stage}/upstream/{project}/{filename}            key, counted  upstream_file
 *   UpstreamMetadata    /{stage}/upstream/{project}/{filename}.metadata   key        upstream_metadata
 *   Unknown             anything else                                     key        other
 * </pre>
 * Three segments are always a direct download ({@code /dev/docs/latest} is project {@code docs};
 * docs need at least four), except {@code /{stage}/simple/{name}}: pip always asks for
 * {@code /{stage}/simple/{name}/} with the slash, so that is the project page, while without the
 * slash a {@code latest} or PEP 440 version is the direct download of a project named {@code simple}
 * and anything else is the project page (redirected to its slash form).
 *
 * <p>Pages for people live under the segment {@code -}, which can be neither a stage nor a project
 * (PEP 503 names start and end with a letter or digit), so {@code /{stage}/-/...} never shadows a
 * direct download or docs, whatever projects are called; sign-in is {@code /-/signin} (no stage).
 * The JSON API is {@code /{stage}/pypi/{project}/json} (four segments, ending in {@code json}) and
 * {@code /{stage}/pypi/{project}/{version}/json} (five), shapes no other route has.
 */
public sealed interface IndexRoute {

    /** The credential a route needs, and whether serving it counts as a download. */
    enum Access {
        /** Health, readiness and metrics: no credentials. */
        OPEN,
        /** Pages of a stage (and unknown paths): an API key. */
        KEY,
        /** A package file: an API key, and counted against the key's quotas. */
        DOWNLOAD,
        /** PEP 658 metadata: an API key; resolvers read it before downloading, so it is not counted. */
        METADATA,
        /** pdoc HTML: a docs login, or a signed-in person (a key's session for the key's stages, a docs user's). */
        DOCS,
        /** Pages for people: a key, or a signed-in person (a key's or a docs user's session). */
        PAGE,
        /** The sign-in form and sign-out: no credentials needed to reach them; a sign-in checks the ones it is sent. */
        SIGN_IN,
        /**
         * The upload API: a key with the publish scope for the stage (never a browser session); the
         * project is in the body, so the upload checks the key's projects once it has read the form.
         */
        PUBLISH
    }

    Access access();

    /** A fixed name per kind of route, for metrics (never the raw path: bounded cardinality). */
    String metricName();

    /** The canonical path of this route, starting with '/'. */
    String path();

    /** The stage, or null for routes outside a stage. */
    default Stage stage() {
        return null;
    }

    /** The PEP 503 normalized project, or null. */
    default String project() {
        return null;
    }

    /** The version as given ({@code latest} or PEP 440), or null. */
    default String version() {
        return null;
    }

    /** The file name (of a distribution, also for its metadata), or null. */
    default String file() {
        return null;
    }

    /** The path relative to the stage's own page {@code /{stage}/}, for relative links. */
    default String pathFromStage() {
        return path().substring(stage().name().length() + 2);
    }

    record Health() implements IndexRoute {
        public Access access() { return Access.OPEN; }
        public String metricName() { return "healthz"; }
        public String path() { return "/healthz"; }
    }

    record Ready() implements IndexRoute {
        public Access access() { return Access.OPEN; }
        public String metricName() { return "readyz"; }
        public String path() { return "/readyz"; }
    }

    record Metrics() implements IndexRoute {
        public Access access() { return Access.OPEN; }
        public String metricName() { return "metrics"; }
        public String path() { return "/metrics"; }
    }

    record SignIn() implements IndexRoute {
        public Access access() { return Access.SIGN_IN; }
        public String metricName() { return "sign_in"; }
        public String path() { return "/-/signin"; }
    }

    record SignOut() implements IndexRoute {
        public Access access() { return Access.SIGN_IN; }
        public String metricName() { return "sign_out"; }
        public String path() { return "/-/signout"; }
    }

    record StagePage(Stage stage) implements IndexRoute {
        public Access access() { return Access.PAGE; }
        public String metricName() { return "stage_page"; }
        public String path() { return "/" + stage + "/"; }
    }

    record SimpleIndex(Stage stage) implements IndexRoute {
        public Access access() { return Access.KEY; }
        public String metricName() { return "simple_index"; }
        public String path() { return "/" + stage + "/simple/"; }
    }

    record SimpleProject(Stage stage, String project) implements IndexRoute {
        public SimpleProject {
            project = normalized(project);
        }
        public Access access() { return Access.KEY; }
        public String metricName() { return "simple_project"; }
        public String path() { return "/" + stage + "/simple/" + project + "/"; }
    }

    /** A distribution file named by the release record (never a raw S3 key). */
    record File(Stage stage, String project, String version, String file) implements IndexRoute {
        public File {
            project = normalized(project);
        }
        public Access access() { return Access.DOWNLOAD; }
        public String metricName() { return "file"; }
        public String path() { return "/" + stage + "/files/" + project + "/" + version + "/" + file; }
    }

    /** The PEP 658 core metadata of a distribution; {@link #file()} is the distribution's name. */
    record Metadata(Stage stage, String project, String version, String file) implements IndexRoute {
        public Metadata {
            project = normalized(project);
        }
        public Access access() { return Access.METADATA; }
        public String metricName() { return "metadata"; }
        public String path() { return new File(stage, project, version, file).path() + ".metadata"; }
    }

    /** The old endpoint's direct download of a release ({@code latest} or a version). */
    record Direct(Stage stage, String project, String version) implements IndexRoute {
        public Direct {
            project = normalized(project);
            if (!isDirectVersion(version)) {
                throw new IllegalArgumentException("not a version or 'latest': " + ProjectName.printable(version));
            }
        }
        public Access access() { return Access.DOWNLOAD; }
        public String metricName() { return "direct_download"; }
        public String path() { return "/" + stage + "/" + project + "/" + version; }
    }

    /** pdoc HTML of a release; {@code rest} are the plain file-name segments below its root. */
    record Docs(Stage stage, String project, String version, List<String> rest) implements IndexRoute {
        public Docs {
            project = normalized(project);
            rest = List.copyOf(rest);
        }
        public Access access() { return Access.DOCS; }
        public String metricName() { return "docs"; }
        public String path() {
            return "/" + stage + "/docs/" + project + "/" + version + "/" + String.join("/", rest);
        }
    }

    /**
     * A file of a project the stage takes from its upstream (issue 14): four segments under the route word
     * {@code upstream}, so it never collides with a direct download (three) or a private file (five under {@code files}).
     */
    record UpstreamFile(Stage stage, String project, String file) implements IndexRoute {
        public UpstreamFile {
            project = normalized(project);
        }
        public Access access() { return Access.DOWNLOAD; }
        public String metricName() { return "upstream_file"; }
        public String path() { return "/" + stage + "/upstream/" + project + "/" + file; }
    }

    /** The PEP 658 metadata of an upstream file; {@link #file()} is the distribution's name. */
    record UpstreamMetadata(Stage stage, String project, String file) implements IndexRoute {
        public UpstreamMetadata {
            project = normalized(project);
        }
        public Access access() { return Access.METADATA; }
        public String metricName() { return "upstream_metadata"; }
        public String path() { return new UpstreamFile(stage, project, file).path() + ".metadata"; }
    }
    /** The page of a project for people (summary, README, versions, install lines). */
    record ProjectPage(Stage stage, String project) implements IndexRoute {
        public ProjectPage {
            project = normalized(project);
        }
        public Access access() { return Access.PAGE; }
        public String metricName() { return "project_page"; }
        public String path() { return "/" + stage + "/-/project/" + project + "/"; }
    }

    /** The page of one release for people (files, hashes, promotion). */
    record VersionPage(Stage stage, String project, String version) implements IndexRoute {
        public VersionPage {
            project = normalized(project);
            if (!Version.isValid(version)) {
                throw new IllegalArgumentException("not a version: " + ProjectName.printable(version));
            }
        }
        public Access access() { return Access.PAGE; }
        public String metricName() { return "version_page"; }
        public String path() { return "/" + stage + "/-/project/" + project + "/" + version + "/"; }
    }

    /** PyPI's JSON API for a project (all releases). */
    record JsonProject(Stage stage, String project) implements IndexRoute {
        public JsonProject {
            project = normalized(project);
        }
        public Access access() { return Access.KEY; }
        public String metricName() { return "json_project"; }
        public String path() { return "/" + stage + "/pypi/" + project + "/json"; }
    }

    /** PyPI's JSON API for one release. */
    record JsonRelease(Stage stage, String project, String version) implements IndexRoute {
        public JsonRelease {
            project = normalized(project);
            if (!Version.isValid(version)) {
                throw new IllegalArgumentException("not a version: " + ProjectName.printable(version));
            }
        }
        public Access access() { return Access.KEY; }
        public String metricName() { return "json_release"; }
        public String path() { return "/" + stage + "/pypi/" + project + "/" + version + "/json"; }
    }

    /**
     * The legacy upload API twine, uv, poetry and pdm speak ({@code POST}, multipart form). Two
     * segments with the second {@code legacy}: no project route has that shape.
     */
    record Upload(Stage stage) implements IndexRoute {
        public Access access() { return Access.PUBLISH; }
        public String metricName() { return "upload"; }
        public String path() { return "/" + stage + "/legacy/"; }
    }

    /** Anything else: a key is still needed (no probing without one), then it is a 404. */
    record Unknown(Stage stage, String path) implements IndexRoute {
        public Access access() { return Access.KEY; }
        public String metricName() { return "other"; }
        @Override
        public String pathFromStage() { throw new UnsupportedOperationException("no links to unknown routes"); }
    }

    /**
     * Parses a decoded path, already split into its non-empty segments.
     *
     * @param trailingSlash whether the path ended with '/'
     */
    static IndexRoute parse(String path, List<String> s, boolean trailingSlash) {
        if (s.size() == 1) {
            switch (s.get(0)) {
                case "healthz": return new Health();
                case "readyz": return new Ready();
                case "metrics": return new Metrics();
                default: break;
            }
        }
        if (s.size() == 2 && s.get(0).equals("-")) {
            switch (s.get(1)) {
                case "signin": return new SignIn();
                case "signout": return new SignOut();
                default: break;
            }
        }
        Stage stage = s.isEmpty() ? null : stageOrNull(s.get(0));
        if (stage == null) {
            return new Unknown(null, path);
        }
        int n = s.size();
        String second = n > 1 ? s.get(1) : null;
        if (n == 1) {
            return new StagePage(stage);
        }
        if (n == 2 && second.equals("simple")) {
            return new SimpleIndex(stage);
        }
        if (n == 2 && second.equals("legacy")) {
            return new Upload(stage);
        }
        if (n == 3) {
            String third = s.get(2);
            boolean pageOfSimple = second.equals("simple") && (trailingSlash || !isDirectVersion(third));
            if (pageOfSimple) {
                return ProjectName.isValid(third) ? new SimpleProject(stage, third) : new Unknown(stage, path);
            }
            return ProjectName.isValid(second) && isDirectVersion(third) ? new Direct(stage, second, third) : new Unknown(stage, path);
        }
        if (n == 5 && second.equals("files") && ProjectName.isValid(s.get(2)) && Version.isValid(s.get(3))) {
            String file = s.get(4);
            if (file.endsWith(".metadata") && file.length() > ".metadata".length()) {
                return new Metadata(stage, s.get(2), s.get(3), file.substring(0, file.length() - ".metadata".length()));
            }
            return new File(stage, s.get(2), s.get(3), file);
        }
        if (n == 4 && second.equals("upstream") && ProjectName.isValid(s.get(2))) {
            String file = s.get(3);
            if (file.endsWith(".metadata") && file.length() > ".metadata".length()) {
                return new UpstreamMetadata(stage, s.get(2), file.substring(0, file.length() - ".metadata".length()));
            }
            return new UpstreamFile(stage, s.get(2), file);
        }
        if ((n == 4 || n == 5) && second.equals("-") && s.get(2).equals("project") && ProjectName.isValid(s.get(3))) {
            if (n == 4) {
                return new ProjectPage(stage, s.get(3));
            }
            return Version.isValid(s.get(4)) ? new VersionPage(stage, s.get(3), s.get(4)) : new Unknown(stage, path);
        }
        if ((n == 4 || n == 5) && second.equals("pypi") && s.get(n - 1).equals("json") && ProjectName.isValid(s.get(2))) {
            if (n == 4) {
                return new JsonProject(stage, s.get(2));
            }
            return Version.isValid(s.get(3)) ? new JsonRelease(stage, s.get(2), s.get(3)) : new Unknown(stage, path);
        }
        if (n >= 4 && second.equals("docs") && ProjectName.isValid(s.get(2)) && isDirectVersion(s.get(3))) {
            return new Docs(stage, s.get(2), s.get(3), s.subList(4, n));
        }
        return new Unknown(stage, path);
    }

    /** {@code latest} or a valid PEP 440 version: what a direct download or docs URL names. */
    static boolean isDirectVersion(String text) {
        return text.equals("latest") || Version.isValid(text);
    }

    private static String normalized(String project) {
        if (!ProjectName.isValid(project)) {
            throw new IllegalArgumentException("invalid project name: " + ProjectName.printable(project));
        }
        return ProjectName.normalize(project);
    }

    private static Stage stageOrNull(String name) {
        try {
            return Stage.of(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
