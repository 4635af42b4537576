package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.lifecycle.SimpleIndexMirror;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Moving from another index: everything it serves comes over with the same bytes, once. */
class ImportFromIndexTest {

    @Test
    void importsEveryFileOfAnotherSimpleIndexByHashAndIdempotently() throws Exception {
        try (IndexFixture old = new IndexFixture(); Deployment target = old.env.newDeployment()) {
            PublishResult hello = old.publish(old.env.copyOfExample("hello-package"), "dev");
            Stage prod = Stage.of("prod");
            for (int round = 1; round <= 2; round++) {
                Path downloads = TestEnvironment.tempDir("pypub-mirror-");
                int files = new SimpleIndexMirror().download(URI.create(old.url("/dev/simple/")), List.of(), downloads, PublishLog.SILENT);
                assertThat(files).isEqualTo(2);
                ReleaseImporter.on(target.clients()).importFolder(downloads, prod, "test", PublishLog.SILENT);
            }
            List<Release> imported = target.versions().releases(prod, "hello-package");
            assertThat(imported).singleElement().satisfies(r -> assertThat(r.files()).extracting(ReleaseFile::sha256)
                    .containsExactlyInAnyOrderElementsOf(hello.release().files().stream().map(ReleaseFile::sha256).toList()));
        }
    }
}
