package io.pypub.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import io.pypub.core.version.Version;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticesTest {

    @Test
    void publishNoticeComesFromThePipelineResult() {
        ReleaseFile sdist = new ReleaseFile("hello_package-1.2.0.tar.gz", "dev/hello-package/1.2.0/hello_package-1.2.0.tar.gz",
                "ab".repeat(32), 2560, ">=3.9", Instant.now(), null, PackageType.SDIST);
        Release release = new Release(Stage.of("dev"), "hello-package", "Hello-Package", Version.parse("1.2.0"),
                List.of(sdist), null, false, null, "https://ci/job/1/", "abc123", "Hello", Instant.now());
        IndexLinks links = new IndexLinks("https://pypi.example.com/");

        PublishNotice n = PublishNotice.of(release, new RecordOutcome("1.1.0", false, true, "bad"),
                links.projectPage(release.stage(), release.project()), null);

        assertThat(n.project()).isEqualTo("hello-package");
        assertThat(n.displayName()).isEqualTo("Hello-Package");
        assertThat(n.version()).isEqualTo("1.2.0");
        assertThat(n.stage()).isEqualTo("dev");
        assertThat(n.files()).containsExactly(new PublishNotice.FileInfo("hello_package-1.2.0.tar.gz", "ab".repeat(32), 2560));
        assertThat(n.indexUrl()).isEqualTo("https://pypi.example.com/dev/simple/hello-package/");
        assertThat(n.publishedBy()).isEqualTo("https://ci/job/1/");
        assertThat(n.sourceRevision()).isEqualTo("abc123");
        assertThat(n.latest()).isEqualTo(new PublishNotice.Latest("1.1.0", false, true, "bad"));
        assertThat(links.docs(release.stage(), "hello-package", "1.2.0"))
                .isEqualTo("https://pypi.example.com/dev/docs/hello-package/1.2.0/");
    }

    @Test
    void failureNoticeKeepsTheFirstLinesAndNamesTheFolderWhenTheProjectIsUnknown() {
        Path dir = Path.of("/ws/my-lib");

        FailureNotice n = FailureNotice.of(null, dir, Stage.of("prod"),
                new IllegalStateException("one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine"), "alice@host", "r42");
        FailureNotice noMessage = FailureNotice.of("my-lib", dir, Stage.of("prod"), new NullPointerException(), "alice@host", "r42");

        assertThat(n.subject()).isEqualTo("my-lib");
        assertThat(n.projectDir()).isEqualTo(Path.of("/ws/my-lib").toString());
        assertThat(n.error()).isEqualTo("one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n...");
        assertThat(n.publishedBy()).isEqualTo("alice@host");
        assertThat(n.sourceRevision()).isEqualTo("r42");
        assertThat(noMessage.error()).isEqualTo("NullPointerException");
    }
}
