package io.pypub.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute.Access;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One parse for every URL: which route a path is, and so which credential it needs, never depends on project names. */
class IndexRouteTest {
    private static final Stage DEV = Stage.of("dev");

    static IndexRoute parse(String path) {
        List<String> segments = new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
        return IndexRoute.parse(path, segments, path.endsWith("/"));
    }

    @Test
    void threeSegmentsAreADirectDownloadEvenWhenTheProjectIsARouteWord() {
        // The reported hole: /dev/docs/latest was served to a docs login as docs; it is project 'docs'.
        assertThat(parse("/dev/docs/latest")).isEqualTo(new IndexRoute.Direct(DEV, "docs", "latest"));
        assertThat(parse("/dev/docs/latest").access()).isEqualTo(Access.DOWNLOAD);
        assertThat(parse("/dev/files/0.1.0")).isEqualTo(new IndexRoute.Direct(DEV, "files", "0.1.0"));
        assertThat(parse("/dev/files/0.1.0").access()).isEqualTo(Access.DOWNLOAD);
        assertThat(parse("/dev/latest/latest")).isEqualTo(new IndexRoute.Direct(DEV, "latest", "latest"));
        assertThat(parse("/dev/healthz/1.0")).isEqualTo(new IndexRoute.Direct(DEV, "healthz", "1.0"));
    }

    @Test
    void simpleWithASlashIsAProjectPageWithoutOneAVersionIsProjectSimplesDownload() {
        assertThat(parse("/dev/simple/latest/")).isEqualTo(new IndexRoute.SimpleProject(DEV, "latest"));
        assertThat(parse("/dev/simple/latest")).isEqualTo(new IndexRoute.Direct(DEV, "simple", "latest"));
        assertThat(parse("/dev/simple/1.0")).isEqualTo(new IndexRoute.Direct(DEV, "simple", "1.0"));
        assertThat(parse("/dev/simple/Hello_Package")).isEqualTo(new IndexRoute.SimpleProject(DEV, "hello-package"));
        assertThat(parse("/dev/simple/simple/")).isEqualTo(new IndexRoute.SimpleProject(DEV, "simple"));
    }

    @Test
    void docsNeedFourSegmentsAndADocsLogin() {
        assertThat(parse("/dev/docs/docs/latest/")).isEqualTo(new IndexRoute.Docs(DEV, "docs", "latest", List.of()));
        assertThat(parse("/dev/docs/files/1.0/files/x.html"))
                .isEqualTo(new IndexRoute.Docs(DEV, "files", "1.0", List.of("files", "x.html")));
        assertThat(parse("/dev/docs/docs/latest/").access()).isEqualTo(Access.DOCS);
        assertThat(parse("/dev/docs/p/not-a-version/")).isInstanceOf(IndexRoute.Unknown.class);
    }

    @Test
    void theUploadApiIsTwoSegmentsEndingInLegacyAndNeedsAPublishKey() {
        assertThat(parse("/dev/legacy/")).isEqualTo(new IndexRoute.Upload(DEV));
        assertThat(parse("/dev/legacy")).isEqualTo(new IndexRoute.Upload(DEV));
        assertThat(parse("/dev/legacy/").access()).isEqualTo(Access.PUBLISH);
        assertThat(parse("/dev/legacy/").path()).isEqualTo("/dev/legacy/");
        // A project named legacy keeps its routes: those have other shapes.
        assertThat(parse("/dev/legacy/latest")).isEqualTo(new IndexRoute.Direct(DEV, "legacy", "latest"));
        assertThat(parse("/dev/simple/legacy/")).isEqualTo(new IndexRoute.SimpleProject(DEV, "legacy"));
    }

    @Test
    void filesAndMetadata() {
        assertThat(parse("/dev/files/metadata/1.0/metadata-1.0-py3-none-any.whl"))
                .isEqualTo(new IndexRoute.File(DEV, "metadata", "1.0", "metadata-1.0-py3-none-any.whl"));
        IndexRoute m = parse("/dev/files/files/1.0/files-1.0.tar.gz.metadata");
        assertThat(m).isEqualTo(new IndexRoute.Metadata(DEV, "files", "1.0", "files-1.0.tar.gz"));
        assertThat(m.access()).isEqualTo(Access.METADATA);
        assertThat(parse("/dev/files/p/1.0/x.whl").access()).isEqualTo(Access.DOWNLOAD);
    }

    @Test
    void upstreamFilesAreFourSegmentsUnderTheRouteWordAndAProjectNamedUpstreamStaysAProject() {
        IndexRoute f = parse("/dev/upstream/requests/requests-2.32.3-py3-none-any.whl");
        assertThat(f).isEqualTo(new IndexRoute.UpstreamFile(DEV, "requests", "requests-2.32.3-py3-none-any.whl"));
        assertThat(f.access()).isEqualTo(Access.DOWNLOAD);
        assertThat(f.metricName()).isEqualTo("upstream_file");
        IndexRoute m = parse("/dev/upstream/Requests/requests-2.32.3.tar.gz.metadata");
        assertThat(m).isEqualTo(new IndexRoute.UpstreamMetadata(DEV, "requests", "requests-2.32.3.tar.gz"));
        assertThat(m.access()).isEqualTo(Access.METADATA);
        assertThat(new IndexRoute.UpstreamFile(DEV, "p", "p-1.0.tar.gz").pathFromStage()).isEqualTo("upstream/p/p-1.0.tar.gz");
        // A project named 'upstream' keeps every route of its own.
        assertThat(parse("/dev/upstream/latest")).isEqualTo(new IndexRoute.Direct(DEV, "upstream", "latest"));
        assertThat(parse("/dev/upstream/1.0")).isEqualTo(new IndexRoute.Direct(DEV, "upstream", "1.0"));
        assertThat(parse("/dev/simple/upstream/")).isEqualTo(new IndexRoute.SimpleProject(DEV, "upstream"));
        assertThat(parse("/dev/files/upstream/1.0/upstream-1.0.tar.gz"))
                .isEqualTo(new IndexRoute.File(DEV, "upstream", "1.0", "upstream-1.0.tar.gz"));
        assertThat(parse("/dev/docs/upstream/latest/")).isEqualTo(new IndexRoute.Docs(DEV, "upstream", "latest", List.of()));
        // Other shapes under the word are not files: a key, then 404.
        for (String path : List.of("/dev/upstream/p/", "/dev/upstream/p/x/y", "/dev/upstream/-bad-/x.whl", "/dev/upstream/")) {
            assertThat(parse(path)).as(path).isInstanceOf(IndexRoute.Unknown.class);
        }
    }

    @Test
    void openRoutesAreOnlyTheOneSegmentNames() {
        assertThat(parse("/healthz").access()).isEqualTo(Access.OPEN);
        assertThat(parse("/readyz").access()).isEqualTo(Access.OPEN);
        assertThat(parse("/metrics").access()).isEqualTo(Access.OPEN);
        assertThat(parse("/dev/healthz").access()).isEqualTo(Access.KEY);
        assertThat(parse("/dev/metrics/").access()).isEqualTo(Access.KEY);
        assertThat(parse("/").access()).isEqualTo(Access.KEY);
        assertThat(parse("/Not-A-Stage/simple/").access()).isEqualTo(Access.KEY);
    }

    @Test
    void unknownShapesNeedAKeyAndAreNotDownloads() {
        for (String path : List.of("/dev/files/p/1.0", "/dev/p", "/dev/p/q/r/s", "/dev/simple/a/b/", "/dev/p/not!version",
                "/dev/files/p/not-a-version/x.whl", "/dev/simple/-bad-/")) {
            IndexRoute r = parse(path);
            assertThat(r).as(path).isInstanceOf(IndexRoute.Unknown.class);
            assertThat(r.access()).as(path).isEqualTo(Access.KEY);
            assertThat(r.metricName()).isEqualTo("other");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docs", "files", "simple", "latest", "metadata", "healthz", "readyz", "metrics", "legacy", "1.0", "dev", "upstream"})
    void everyRouteBuiltForAProjectParsesBackToItself(String project) {
        List<IndexRoute> routes = List.of(
                new IndexRoute.StagePage(DEV),
                new IndexRoute.SimpleIndex(DEV),
                new IndexRoute.SimpleProject(DEV, project),
                new IndexRoute.File(DEV, project, "1.0", project + "-1.0-py3-none-any.whl"),
                new IndexRoute.Metadata(DEV, project, "1.0", project + "-1.0-py3-none-any.whl"),
                new IndexRoute.Direct(DEV, project, "latest"),
                new IndexRoute.Direct(DEV, project, "2.0rc1"),
                new IndexRoute.Docs(DEV, project, "latest", List.of()),
                new IndexRoute.Docs(DEV, project, "1.0", List.of(project, "index.html")),
                new IndexRoute.UpstreamFile(DEV, project, project + "-1.0-py3-none-any.whl"),
                new IndexRoute.UpstreamMetadata(DEV, project, project + "-1.0-py3-none-any.whl"),
                new IndexRoute.ProjectPage(DEV, project),
                new IndexRoute.VersionPage(DEV, project, "1.0"),
                new IndexRoute.JsonProject(DEV, project),
                new IndexRoute.JsonRelease(DEV, project, "2.0rc1"));
        for (IndexRoute route : routes) {
            assertThat(parse(route.path())).as(route.path()).isEqualTo(route);
        }
    }

    @Test
    void linksFromTheStagePageAreRelativeToIt() {
        assertThat(new IndexRoute.SimpleProject(DEV, "Hello_Package").pathFromStage()).isEqualTo("simple/hello-package/");
        assertThat(new IndexRoute.File(DEV, "p", "1.0", "p-1.0.tar.gz").pathFromStage()).isEqualTo("files/p/1.0/p-1.0.tar.gz");
    }

    @Test
    void pagesForPeopleLiveUnderADashThatNoProjectOrStageCanBe() {
        assertThat(parse("/-/signin")).isEqualTo(new IndexRoute.SignIn());
        assertThat(parse("/-/signin").access()).isEqualTo(Access.SIGN_IN);
        assertThat(parse("/-/signout")).isEqualTo(new IndexRoute.SignOut());
        assertThat(parse("/dev/-/project/Hello_Package/")).isEqualTo(new IndexRoute.ProjectPage(DEV, "hello-package"));
        assertThat(parse("/dev/-/project/p/1.0/")).isEqualTo(new IndexRoute.VersionPage(DEV, "p", "1.0"));
        assertThat(parse("/dev/-/project/p/").access()).isEqualTo(Access.PAGE);
        assertThat(parse("/dev/").access()).isEqualTo(Access.PAGE);
        assertThat(parse("/dev/-/project/p/not-a-version/")).isInstanceOf(IndexRoute.Unknown.class);
        assertThat(parse("/dev/-/signin")).isInstanceOf(IndexRoute.Unknown.class); // three segments: never a project page
        assertThat(parse("/dev/-/signin").access()).isEqualTo(Access.KEY);
        assertThat(parse("/-/other")).isInstanceOf(IndexRoute.Unknown.class);
    }

    @Test
    void theJsonApiHasShapesNoOtherRouteHas() {
        assertThat(parse("/dev/pypi/Hello_Package/json")).isEqualTo(new IndexRoute.JsonProject(DEV, "hello-package"));
        assertThat(parse("/dev/pypi/p/1.0/json")).isEqualTo(new IndexRoute.JsonRelease(DEV, "p", "1.0"));
        assertThat(parse("/dev/pypi/p/json").access()).isEqualTo(Access.KEY);
        assertThat(parse("/dev/pypi/p/bad!/json")).isInstanceOf(IndexRoute.Unknown.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"project", "pypi", "json", "signin", "signout"})
    void theNewRouteWordsAsProjectsKeepTheirRoutesAndCredentials(String project) {
        // Three segments stay a direct download (counted, a key), docs stay docs, whatever the new words are.
        assertThat(parse("/dev/" + project + "/latest")).isEqualTo(new IndexRoute.Direct(DEV, project, "latest"));
        assertThat(parse("/dev/" + project + "/1.0").access()).isEqualTo(Access.DOWNLOAD);
        assertThat(parse("/dev/docs/" + project + "/latest/")).isEqualTo(new IndexRoute.Docs(DEV, project, "latest", List.of()));
        assertThat(parse("/dev/simple/" + project + "/")).isEqualTo(new IndexRoute.SimpleProject(DEV, project));
        assertThat(parse("/dev/files/" + project + "/1.0/" + project + "-1.0.tar.gz").access()).isEqualTo(Access.DOWNLOAD);
        assertThat(parse("/dev/pypi/" + project + "/json")).isEqualTo(new IndexRoute.JsonProject(DEV, project));
        assertThat(parse("/dev/-/project/" + project + "/")).isEqualTo(new IndexRoute.ProjectPage(DEV, project));
    }
}
