package io.pypub.core.lifecycle;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.List;

/** Release records for table-level tests, with the keys a publish would use (the objects need not exist). */
final class Releases {
    static final String PROJECT = "hello-package";
    private static final StorageLayout LAYOUT = new StorageLayout("");

    private Releases() {}

    static Release of(Stage stage, String version) {
        Version v = Version.parse(version);
        String sdist = "hello_package-" + v.normalized() + ".tar.gz";
        String wheel = "hello_package-" + v.normalized() + "-py3-none-any.whl";
        Instant now = Instant.now();
        return new Release(stage, PROJECT, "hello-package", v, List.of(
                new ReleaseFile(sdist, LAYOUT.fileKey(stage, PROJECT, v, sdist), "a".repeat(64), 100, ">=3.9", now, null, PackageType.SDIST),
                new ReleaseFile(wheel, LAYOUT.fileKey(stage, PROJECT, v, wheel), "b".repeat(64), 200, ">=3.9", now, "c".repeat(64),
                        PackageType.WHEEL)),
                null, false, null, "test", "rev-" + version, "A tiny example", now);
    }
}
