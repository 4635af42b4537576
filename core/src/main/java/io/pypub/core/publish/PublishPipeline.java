package io.pypub.core.publish;

import io.pypub.core.inspect.DistributionInspector;
import io.pypub.core.inspect.InspectedDistribution;
import io.pypub.core.inspect.InvalidDistributionException;
import io.pypub.core.project.ProjectName;
import io.pypub.core.python.PackageBuilder;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Build, inspect, upload, record. Objects go to S3 first and are verified; only then is the
 * release written, in one DynamoDB transaction. A failure before the transaction leaves at most
 * unreferenced objects under the release's own keys, which a re-run overwrites.
 */
public final class PublishPipeline {
    private static final String DIST_CONTENT_TYPE = "application/octet-stream";
    private static final String METADATA_CONTENT_TYPE = "text/plain; charset=utf-8";

    private final PackageBuilder builder;
    private final DistributionInspector inspector = new DistributionInspector();
    private final ArtifactStore store;
    private final VersionTable versions;
    private final StorageLayout layout;

    public PublishPipeline(PackageBuilder builder, ArtifactStore store, VersionTable versions, StorageLayout layout) {
        this.builder = builder;
        this.store = store;
        this.versions = versions;
        this.layout = layout;
    }

    public PublishResult publish(PublishRequest request, PublishLog log) {
        Path projectDir = request.projectDir().toAbsolutePath().normalize();
        Path outDir;
        try {
            outDir = Files.createTempDirectory("pypub-dist-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary build folder: " + e.getMessage(), e);
        }
        try {
            List<Path> built = builder.build(projectDir, outDir, request.python(), request.wheel(), request.buildIsolation(),
                    request.buildTimeout(), log);
            List<InspectedDistribution> dists = inspectAll(built);
            InspectedDistribution first = dists.get(0);
            String display = first.metadata().name();
            String project = ProjectName.of(display).normalized();
            Version version = Version.parse(first.metadata().version());
            log.info("Built " + display + " " + version + ": "
                    + String.join(", ", dists.stream().map(d -> d.filename().filename()).toList()));

            if (!request.overwrite() && versions.release(request.stage(), project, version).isPresent()) {
                throw new ReleaseExistsException(project + " " + version + " is already published in stage '" + request.stage()
                        + "'. Releases are immutable: bump the version, or pass --overwrite (overwrite: true in Jenkins) "
                        + "to replace it deliberately. Nothing was uploaded.");
            }

            List<ReleaseFile> files = new ArrayList<>();
            for (InspectedDistribution d : dists) {
                files.add(upload(request, project, version, d, log));
            }
            Release release = new Release(request.stage(), project, display, version, files, null, false, null,
                    request.publishedBy(), request.sourceRevision(), first.metadata().summary(), Instant.now());
            VersionTable.RecordOutcome outcome = versions.record(release, request.overwrite());
            log.info("Recorded " + display + " " + version + " in stage '" + request.stage() + "'.");
            if (outcome.pinned()) {
                log.warn("latest of " + project + " in '" + request.stage() + "' is pinned to " + outcome.latestVersion()
                        + (outcome.pinReason() == null ? "" : " (" + outcome.pinReason() + ")")
                        + " and was left there; unpin it to let " + version + " become latest.");
            } else if (outcome.latestMoved()) {
                log.info("latest of " + project + " in '" + request.stage() + "' is now " + outcome.latestVersion() + ".");
            } else {
                log.info("latest of " + project + " in '" + request.stage() + "' stays at " + outcome.latestVersion()
                        + " (the highest version that is not yanked).");
            }
            return new PublishResult(release, outcome);
        } finally {
            deleteQuietly(outDir);
        }
    }

    private List<InspectedDistribution> inspectAll(List<Path> built) {
        List<InspectedDistribution> dists = new ArrayList<>();
        for (Path file : built) {
            dists.add(inspector.inspect(file));
        }
        // sdist first: it is the release's primary file.
        dists.sort(Comparator.comparing((InspectedDistribution d) -> d.filename().type()).thenComparing(d -> d.filename().filename()));
        InspectedDistribution first = dists.get(0);
        String project = normalizedName(first);
        Version version = parseVersion(first);
        for (InspectedDistribution d : dists) {
            String name = d.filename().filename();
            if (!normalizedName(d).equals(project) || !parseVersion(d).equals(version)) {
                throw new InvalidDistributionException("Built files disagree: " + name + " has metadata for "
                        + d.metadata().name() + " " + d.metadata().version() + ", expected " + first.metadata().name() + " "
                        + first.metadata().version());
            }
            if (!d.filename().project().equals(project) || !d.filename().version().equals(version)) {
                throw new InvalidDistributionException("File name " + name + " does not match its metadata ("
                        + d.metadata().name() + " " + d.metadata().version() + ")");
            }
        }
        return dists;
    }

    private static String normalizedName(InspectedDistribution d) {
        try {
            return ProjectName.of(d.metadata().name()).normalized();
        } catch (IllegalArgumentException e) {
            throw new InvalidDistributionException(d.filename().filename() + ": " + e.getMessage(), e);
        }
    }

    private static Version parseVersion(InspectedDistribution d) {
        try {
            return Version.parse(d.metadata().version());
        } catch (IllegalArgumentException e) {
            throw new InvalidDistributionException(d.filename().filename() + ": " + e.getMessage(), e);
        }
    }

    private ReleaseFile upload(PublishRequest request, String project, Version version, InspectedDistribution d, PublishLog log) {
        String filename = d.filename().filename();
        String key = layout.fileKey(request.stage(), project, version, filename);
        String metadataSha = null;
        if (d.servesMetadata()) {
            metadataSha = store.put(StorageLayout.metadataKey(key), d.metadata().raw(), METADATA_CONTENT_TYPE).sha256();
        }
        FileDigest digest = store.put(key, d.file(), DIST_CONTENT_TYPE);
        log.info("Uploaded " + filename + " (" + digest.size() + " bytes, sha256 " + digest.sha256() + ")");
        return new ReleaseFile(filename, key, digest.sha256(), digest.size(), d.metadata().requiresPython(), Instant.now(),
                metadataSha, d.filename().type());
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
