package io.pypub.core.integrity;

import io.pypub.core.lifecycle.ImportResult;
import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A deployment with the core write paths driven on tiny prebuilt distributions. */
final class StorageFixture {
    final Deployment d;
    final Path work;

    StorageFixture(Deployment d) {
        this.d = d;
        try {
            this.work = TestEnvironment.tempDir("pypub-integrity-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Path> dists(String project, String version, String variant) {
        return TinyDists.make(work.resolve("dists"), project, version, variant);
    }

    /** The publish pipeline's path for built files (what `pypub publish` does after the build). */
    PublishResult publish(Stage stage, String project, String version, String variant, boolean overwrite, PublishLog log) {
        PublishRequest request = PublishRequest.builder(work, stage).docs(false).overwrite(overwrite).publishedBy("test " + variant).build();
        return d.pipeline().publishFiles(request, dists(project, version, variant), log);
    }

    /** `pypub import` of a folder holding one build of a version. */
    ImportResult importFolder(Stage stage, String project, String version, String variant) {
        Path folder = work.resolve("import-" + System.nanoTime() + "-" + Thread.currentThread().getId());
        try {
            Files.createDirectories(folder);
            for (Path p : dists(project, version, variant)) {
                Files.copy(p, folder.resolve(p.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ReleaseImporter.on(d.clients()).importFolder(folder, stage, "importer", PublishLog.SILENT);
    }

    StorageInvariants invariants() {
        return new StorageInvariants(d.versions(), d.store());
    }
}
