package io.pypub.core.lifecycle;

import io.pypub.core.config.Origin;
import io.pypub.core.config.Settings;
import io.pypub.core.inspect.DistributionInspector;
import io.pypub.core.inspect.InspectedDistribution;
import io.pypub.core.inspect.InvalidDistributionException;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.project.ProjectName;
import io.pypub.core.publish.ReleaseWriter;
import io.pypub.core.storage.PublishConflictException;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Brings an existing folder of sdists and wheels (a pypiserver folder, a mounted share) into a
 * stage: every file is inspected like a fresh build, files are grouped into one release per
 * project and version, uploaded (verified) and recorded with the usual {@code latest} rules.
 * Idempotent: a file the stage already has with the same bytes is left alone, so a second run
 * writes nothing; a file whose name is recorded with different bytes is skipped, never replaced.
 *
 * <p>Projects are imported in parallel ({@code import-parallel} setting), each by one worker at a time:
 * the releases of one project all rewrite its registry item, so parallel records of one project would
 * only cancel each other's transactions and retry, and one worker reads the project once for all its
 * versions. Every release is still uploaded, then recorded in one conditional transaction, so a release
 * is either wholly recorded or not at all, whatever runs next to it. The summary lists in input order.
 */
public final class ReleaseImporter {

    private final VersionTable versions;
    private final ArtifactStore store;
    private final ArtifactStore docsStore;
    private final StorageLayout layout;
    private final AuditTrail audit;
    private final int parallel;
    private final DistributionInspector inspector = new DistributionInspector();

    public ReleaseImporter(VersionTable versions, ArtifactStore store, StorageLayout layout, AuditTrail audit) {
        this(versions, store, layout, audit, defaultParallel());
    }

    /** @param parallel projects imported at once (and files inspected at once) */
    public ReleaseImporter(VersionTable versions, ArtifactStore store, StorageLayout layout, AuditTrail audit, int parallel) {
        this.versions = versions;
        this.store = store;
        this.docsStore = store;
        this.layout = layout;
        this.audit = audit;
        this.parallel = BoundedParallel.checked(parallel);
    }

    public static ReleaseImporter on(AwsClients aws) {
        return on(aws, defaultParallel());
    }

    public static ReleaseImporter on(AwsClients aws, int parallel) {
        var s = aws.settings();
        return new ReleaseImporter(new DynamoVersionTable(aws.dynamo(), s.versionTable()), new S3ArtifactStore(aws.s3(), s.bucket()),
                s.layout(), AuditTrail.on(aws), parallel);
    }

    /** The setting's default: declared once, in {@link Settings#IMPORT_PARALLEL}. */
    public static int defaultParallel() {
        return Settings.IMPORT_PARALLEL.parse(Settings.IMPORT_PARALLEL.defaultValue(), Origin.DEFAULT);
    }

    private record Key(String project, Version version) {}

    /** A file's inspection: the distribution, or why it is skipped. */
    private record Inspected(InspectedDistribution distribution, Key key, String problem) {}

    /** What importing one project did. */
    private static final class Tally {
        int uploaded;
        int present;
        int recorded;
        final List<String> skipped = new ArrayList<>();
    }

    /** Imports every {@code *.tar.gz} and {@code *.whl} below {@code dir} (recursively). */
    public ImportResult importFolder(Path dir, Stage stage, String actor, PublishLog log) {
        return importFolder(dir, stage, actor, String.valueOf(dir), log);
    }

    /** As above; {@code source} names where the files came from in the audit trail (an index URL without credentials). */
    public ImportResult importFolder(Path dir, Stage stage, String actor, String source, PublishLog log) {
        var event = AuditTrail.Event.of("import", actor).with("stage", stage).with("source", source);
        return audit.run(event, () -> {
            Objects.requireNonNull(stage, "stage");
            ReleaseLifecycle.requireActor(actor);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + " is not a folder: give the folder that holds the sdists and wheels.");
            }
            List<Path> files = new ArrayList<>();
            List<String> ignored = new ArrayList<>();
            for (Path p : list(dir)) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tar.gz") || name.endsWith(".whl")) {
                    files.add(p);
                } else {
                    ignored.add(dir.relativize(p).toString());
                }
            }
            log.info("Importing " + files.size() + " files from " + dir + " into stage '" + stage + "'"
                    + (ignored.isEmpty() ? "" : " (ignoring " + ignored.size() + " files that are not .tar.gz or .whl)")
                    + (parallel > 1 ? ", " + parallel + " projects at a time" : ""));

            List<String> skipped = new ArrayList<>();
            Map<String, Map<Key, List<InspectedDistribution>>> projects = new LinkedHashMap<>();
            for (Inspected i : BoundedParallel.map(files, parallel, "pypub-inspect", f -> inspect(dir, f))) {
                if (i.problem() != null) {
                    skipped.add(i.problem());
                    log.warn("skipping " + i.problem());
                    continue;
                }
                projects.computeIfAbsent(i.key().project(), p -> new LinkedHashMap<>())
                        .computeIfAbsent(i.key(), k -> new ArrayList<>()).add(i.distribution());
            }

            int total = projects.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
            AtomicInteger done = new AtomicInteger();
            List<Tally> tallies = BoundedParallel.map(new ArrayList<>(projects.entrySet()), parallel, "pypub-import",
                    p -> importProject(stage, actor, p.getKey(), p.getValue(), total, done, log));
            int uploaded = 0;
            int present = 0;
            int recorded = 0;
            for (Tally t : tallies) {
                uploaded += t.uploaded;
                present += t.present;
                recorded += t.recorded;
                skipped.addAll(t.skipped);
            }
            String message = "Imported " + uploaded + " files into stage '" + stage + "' (" + recorded + " releases recorded), "
                    + present + " already there" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped")
                    + (ignored.isEmpty() ? "" : ", " + ignored.size() + " ignored") + ".";
            log.info(message);
            return new ImportResult(uploaded, present, recorded, skipped, ignored, message);
        });
    }

    private Inspected inspect(Path dir, Path f) {
        try {
            InspectedDistribution d = inspector.inspect(f);
            Key key = new Key(ProjectName.of(d.metadata().name()).normalized(), Version.parse(d.metadata().version()));
            if (!d.filename().project().equals(key.project()) || !d.filename().version().equals(key.version())) {
                throw new InvalidDistributionException("the file name does not match its metadata ("
                        + d.metadata().name() + " " + d.metadata().version() + ")");
            }
            return new Inspected(d, key, null);
        } catch (InvalidDistributionException | IllegalArgumentException e) {
            return new Inspected(null, null, dir.relativize(f) + ": " + e.getMessage());
        }
    }

    /** All versions of one project, one after the other, from one read of what the stage has of it. */
    private Tally importProject(Stage stage, String actor, String project, Map<Key, List<InspectedDistribution>> byVersion,
            int total, AtomicInteger done, PublishLog log) {
        Tally tally = new Tally();
        List<Release> recordedReleases = versions.releases(stage, project);
        for (var group : byVersion.entrySet()) {
            importRelease(stage, actor, group.getKey(), group.getValue(), recordedReleases, total, done, log, tally);
        }
        return tally;
    }

    private void importRelease(Stage stage, String actor, Key key, List<InspectedDistribution> dists, List<Release> recordedReleases,
            int total, AtomicInteger done, PublishLog log, Tally tally) {
        // sdist first: it is the release's primary file.
        dists.sort(Comparator.comparing((InspectedDistribution d) -> d.filename().type())
                .thenComparing(d -> d.filename().filename()));
        Optional<Release> existing = recordedReleases.stream().filter(r -> r.version().equals(key.version())).findFirst();
        Version version = existing.map(Release::version).orElse(key.version());
        List<ReleaseFile> recordedFiles = new ArrayList<>(existing.map(Release::files).orElse(List.of()));
        ReleaseWriter writer = new ReleaseWriter(store, docsStore, versions, layout);
        int added = 0;
        for (InspectedDistribution d : dists) {
            String filename = d.filename().filename();
            String progress = "[" + done.incrementAndGet() + "/" + total + "] " + filename + ": ";
            FileDigest digest = FileDigest.of(d.file());
            Optional<ReleaseFile> same = recordedFiles.stream().filter(r -> r.filename().equals(filename)).findFirst();
            if (same.isPresent()) {
                if (same.get().sha256().equals(digest.sha256())) {
                    tally.present++;
                    log.info(progress + "already in '" + stage + "'");
                } else {
                    String why = filename + ": '" + stage + "' already has a file of that name with sha256 "
                            + same.get().sha256() + " (this one is " + digest.sha256() + "); releases are immutable";
                    tally.skipped.add(why);
                    log.warn("skipping " + why);
                }
                continue;
            }
            recordedFiles.add(writer.upload(d, modified(d.file()), PublishLog.SILENT));
            added++;
            log.info(progress + "uploaded (" + digest.size() + " bytes)");
        }
        if (added == 0) {
            return;
        }
        InspectedDistribution first = dists.get(0);
        Release release = existing.map(r -> new Release(stage, r.project(), r.displayName(), r.version(), recordedFiles,
                        r.docsPrefix(), r.yanked(), r.yankReason(), r.publishedBy(), r.sourceRevision(), r.summary(),
                        r.publishedAt(), null, r.provenance()))
                .orElseGet(() -> new Release(stage, key.project(), first.metadata().name(), version,
                        sdistFirst(recordedFiles), null, false, null, actor, null, first.metadata().summary(),
                        Instant.now()));
        // A new version must not exist yet; an existing one is extended with the files it lacked, in place of
        // exactly the record read. A concurrent writer of the same version makes this release lose: nothing
        // of it is recorded, and it is reported (a re-run compares again).
        VersionTable.RecordOutcome outcome;
        try {
            outcome = writer.record(release, existing.orElse(null), PublishLog.SILENT);
        } catch (ReleaseExistsException | PublishConflictException e) {
            String why = key.project() + " " + version + ": another writer recorded it during this import ("
                    + e.getMessage() + "); nothing of it was recorded, run the import again";
            tally.skipped.add(why);
            log.warn("skipping " + why);
            return;
        }
        tally.uploaded += added;
        tally.recorded++;
        log.info("Recorded " + key.project() + " " + version + " (" + release.files().size() + " files); latest is "
                + outcome.latestVersion() + (outcome.pinned() ? " (pinned)" : ""));
    }

    /** The file's own time: for an imported release that is when it was built or uploaded, not now. */
    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    private static List<ReleaseFile> sdistFirst(List<ReleaseFile> files) {
        return files.stream().sorted(Comparator.comparing(ReleaseFile::packageType).thenComparing(ReleaseFile::filename)).toList();
    }

    private static List<Path> list(Path dir) {
        try (var paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
