package io.pypub.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The publish summary as users read it: the map a Jenkins pipeline gets from {@code publishPythonPackage}
 * ({@code result.indexUrl}, {@code result.files[0].sha256}, ...) and {@code pypub publish --json}. The expected
 * texts are what the untyped map of before printed for the same release: keys, order, values and types stay.
 */
class PublishSummaryTest {
    static Release release(String docsPrefix) {
        List<ReleaseFile> files = List.of(
                new ReleaseFile("hello_package-1.2.0.tar.gz", "blobs/sha256/3f/3f9a", "3f9a", 1234L, ">=3.9", Instant.EPOCH, null,
                        PackageType.SDIST),
                new ReleaseFile("hello_package-1.2.0-py3-none-any.whl", "blobs/sha256/c2/c27b", "c27b", 2345L, ">=3.9", Instant.EPOCH,
                        "8e01", PackageType.WHEEL));
        return new Release(Stage.of("prod"), "hello-package", "Hello_Package", Version.parse("1.2.0"), files, docsPrefix, false, null,
                "ci", null, null, Instant.EPOCH);
    }

    static PublishSummary withLinks() {
        return new PublishResult(release("docs/prod/hello-package/1.2.0/5d1c/"), new RecordOutcome("1.2.0", true, false, null))
                .summary("https://pypi.example.com/");
    }

    static PublishSummary withoutIndexUrl() {
        return new PublishResult(release(null), new RecordOutcome(null, false, true, "hold")).summary(null);
    }

    private static final String FILES_JSON = """
              "files" : [ {
                "filename" : "hello_package-1.2.0.tar.gz",
                "sha256" : "3f9a",
                "size" : 1234,
                "key" : "blobs/sha256/3f/3f9a"
              }, {
                "filename" : "hello_package-1.2.0-py3-none-any.whl",
                "sha256" : "c27b",
                "size" : 2345,
                "key" : "blobs/sha256/c2/c27b"
              } ],
            """;

    @Test
    void jsonIsWhatPypubPublishPrintedBefore() {
        assertThat(withLinks().toJson()).isEqualTo("""
                {
                  "project" : "hello-package",
                  "name" : "Hello_Package",
                  "version" : "1.2.0",
                  "stage" : "prod",
                """ + FILES_JSON + """
                  "latest" : "1.2.0",
                  "latestMoved" : true,
                  "latestPinned" : false,
                  "indexUrl" : "https://pypi.example.com/prod/simple/hello-package/",
                  "installCommand" : "pip install --index-url https://pypi.example.com/prod/simple/ hello-package==1.2.0",
                  "projectUrl" : "https://pypi.example.com/prod/-/project/hello-package/",
                  "releaseUrl" : "https://pypi.example.com/prod/-/project/hello-package/1.2.0/",
                  "docsUrl" : "https://pypi.example.com/prod/docs/hello-package/1.2.0/"
                }""");
        // Without an index URL: no links, and latest stays as a null (a pipeline may test it).
        assertThat(withoutIndexUrl().toJson()).isEqualTo("""
                {
                  "project" : "hello-package",
                  "name" : "Hello_Package",
                  "version" : "1.2.0",
                  "stage" : "prod",
                """ + FILES_JSON + """
                  "latest" : null,
                  "latestMoved" : false,
                  "latestPinned" : true
                }""");
    }

    @Test
    void theStepsMapHasTheKeysValuesAndTypesPipelinesRead() {
        Map<String, Object> m = withLinks().toMap();
        assertThat(m).isInstanceOf(LinkedHashMap.class); // serializable into the pipeline's program state, in this order
        assertThat(m.keySet()).containsExactly("project", "name", "version", "stage", "files", "latest", "latestMoved", "latestPinned",
                "indexUrl", "installCommand", "projectUrl", "releaseUrl", "docsUrl");
        assertThat(m).containsEntry("project", "hello-package").containsEntry("name", "Hello_Package").containsEntry("version", "1.2.0")
                .containsEntry("stage", "prod").containsEntry("latest", "1.2.0").containsEntry("latestMoved", Boolean.TRUE)
                .containsEntry("latestPinned", Boolean.FALSE)
                .containsEntry("indexUrl", "https://pypi.example.com/prod/simple/hello-package/")
                .containsEntry("releaseUrl", "https://pypi.example.com/prod/-/project/hello-package/1.2.0/");
        assertThat(m.get("files")).isInstanceOf(ArrayList.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) m.get("files");
        assertThat(files).hasSize(2);
        assertThat(files.get(1)).containsExactly(entry("filename", "hello_package-1.2.0-py3-none-any.whl"), entry("sha256", "c27b"),
                entry("size", 2345L), entry("key", "blobs/sha256/c2/c27b"));
        assertThat(files.get(1).get("size")).isInstanceOf(Long.class);

        Map<String, Object> bare = withoutIndexUrl().toMap();
        assertThat(bare.keySet()).containsExactly("project", "name", "version", "stage", "files", "latest", "latestMoved", "latestPinned");
        assertThat(bare).containsEntry("latest", null).containsEntry("latestPinned", Boolean.TRUE);
    }

    @Test
    void theTextOfPypubPublish() {
        assertThat(withLinks().lines()).containsExactly(
                "Published Hello_Package 1.2.0 to stage 'prod'",
                String.format("  %-50s %8d bytes  sha256 %s", "hello_package-1.2.0.tar.gz", 1234, "3f9a"),
                String.format("  %-50s %8d bytes  sha256 %s", "hello_package-1.2.0-py3-none-any.whl", 2345, "c27b"),
                "  latest: 1.2.0",
                "  install: pip install --index-url https://pypi.example.com/prod/simple/ hello-package==1.2.0",
                "  release: https://pypi.example.com/prod/-/project/hello-package/1.2.0/",
                "  docs:    https://pypi.example.com/prod/docs/hello-package/1.2.0/");
        assertThat(withoutIndexUrl().lines()).endsWith("  latest: null (pinned)");
        assertThat(withoutIndexUrl().lines()).noneMatch(l -> l.contains("install") || l.contains("release:"));
    }
}
