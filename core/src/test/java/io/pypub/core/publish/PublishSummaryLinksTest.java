package io.pypub.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.route.IndexRoute;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary (pypub publish --json, the Jenkins step's result) links the release's pages, built by IndexRoute's records. */
class PublishSummaryLinksTest {
    private static Release release(String docsPrefix) {
        return new Release(Stage.of("prod"), "hello-package", "Hello_Package", Version.parse("1.2.0"), List.of(), docsPrefix,
                false, null, "ci", null, null, Instant.now());
    }

    @Test
    void linksTheProjectAndReleasePagesAndTheDocsWhenThereAreDocs() {
        Map<String, Object> m = new PublishResult(release("docs/prod/hello-package/1.2.0/x/"),
                new RecordOutcome("1.2.0", true, false, null)).summary("https://pypi.example.com/").toMap();
        Stage prod = Stage.of("prod");
        assertThat(m).containsEntry("projectUrl", "https://pypi.example.com" + new IndexRoute.ProjectPage(prod, "hello-package").path())
                .containsEntry("releaseUrl", "https://pypi.example.com" + new IndexRoute.VersionPage(prod, "hello-package", "1.2.0").path())
                .containsEntry("docsUrl", "https://pypi.example.com"
                        + new IndexRoute.Docs(prod, "hello-package", "1.2.0", List.of()).path());
        assertThat(m.get("releaseUrl")).isEqualTo("https://pypi.example.com/prod/-/project/hello-package/1.2.0/");
    }

    @Test
    void noDocsNoDocsLinkAndNoIndexUrlNoLinks() {
        assertThat(new PublishResult(release(null), new RecordOutcome("1.2.0", true, false, null)).summary("https://pypi.example.com").toMap())
                .containsKeys("projectUrl", "releaseUrl").doesNotContainKey("docsUrl");
        assertThat(new PublishResult(release(null), new RecordOutcome("1.2.0", true, false, null)).summary(null).toMap())
                .doesNotContainKeys("projectUrl", "releaseUrl", "docsUrl", "indexUrl");
    }
}
