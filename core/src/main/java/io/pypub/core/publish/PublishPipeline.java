package io.pypub.core.publish;

import io.pypub.core.docs.DocsDependencies;
import io.pypub.core.docs.DocsGenerator;
import io.pypub.core.docs.DocsUploader;
import io.pypub.core.docs.GeneratedDocs;
import io.pypub.core.error.PublishException;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.IndexLinks;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.python.CommandRunner;
import io.pypub.core.release.PackageType;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
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
import io.pypub.core.storage.StreamingBlobUpload;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.util.FileTrees;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Build, inspect, upload, record. Objects go to S3 first, under content-addressed keys, and are
 * verified; only then is the release written, in one DynamoDB transaction conditioned on the
 * release being absent (or, for an overwrite, on exactly the record read before uploading). A
 * failure at any point leaves at most unreferenced objects, which the collector removes.
 */
public final class PublishPipeline {

    private final PackageBuilder builder;
    private final DocsGenerator docsGenerator;
    private final DistributionInspector inspector = new DistributionInspector();
    private final ArtifactStore store;
    private final ArtifactStore docsStore;
    private final VersionTable versions;
    private final StorageLayout layout;
    private final Notifier notifier;
    private io.pypub.core.upstream.PublicNameCheck publicNames;
    private boolean failOnPublicName;

    public PublishPipeline(CommandRunner runner, ArtifactStore store, ArtifactStore docsStore, VersionTable versions,
            StorageLayout layout, Notifier notifier) {
        this.builder = new PackageBuilder(runner);
        this.docsGenerator = new DocsGenerator(runner);
        this.store = store;
        this.docsStore = docsStore;
        this.versions = versions;
        this.layout = layout;
        this.notifier = notifier;
    }

    /** The pipeline on a deployment's bucket(s) and version table. */
    public static PublishPipeline on(AwsClients aws, CommandRunner runner, Notifier notifier) {
        AwsSettings s = aws.settings();
        return new PublishPipeline(runner, new S3ArtifactStore(aws.s3(), s.bucket()),
                new S3ArtifactStore(aws.s3(), s.effectiveDocsBucket()), new DynamoVersionTable(aws.dynamo(), s.versionTable()),
                s.layout(), new io.pypub.core.audit.PublishAudit(io.pypub.core.audit.ChangeLog.on(aws), notifier));
    }

    /**
     * The dependency-confusion check (issue 14): a project published to a stage with an upstream that also has
     * the name gets a warning in the publish output, or with {@code failOnPublicName} fails before any upload.
     */
    public PublishPipeline checkPublicNames(io.pypub.core.upstream.UpstreamSettings upstreams, boolean failOnPublicName) {
        this.publicNames = upstreams == null || upstreams.isEmpty() ? null : new io.pypub.core.upstream.PublicNameCheck(upstreams);
        this.failOnPublicName = failOnPublicName;
        return this;
    }

    private void checkPublicName(PublishRequest request, String project, PublishLog log, List<String> warnings) {
        if (publicNames == null) {
            return;
        }
        var finding = publicNames.check(request.stage(), project);
        if (finding.isEmpty()) {
            return;
        }
        if (finding.get().problem() != null) {
            log.warn("Could not check whether " + project + " also exists on the upstream of stage '" + request.stage() + "': "
                    + finding.get().problem());
            return;
        }
        if (!finding.get().existsUpstream()) {
            return;
        }
        String what = project + " also exists on the upstream of stage '" + request.stage() + "' (" + finding.get().upstream()
                + "): dependency confusion risk. The index serves only the private " + project + " (private names win), but "
                + "any client that adds that upstream with --extra-index-url may install the public one.";
        if (failOnPublicName) {
            throw new PublishException(what + " Refused (--fail-on-public-name / failOnPublicName): rename the project. "
                    + "Nothing was uploaded.");
        }
        log.warn(what + " Rename it, or pass --fail-on-public-name (failOnPublicName: true in Jenkins) to refuse such publishes.");
        warnings.add(what); // for Slack too
    }

    /** What the notifier hears about a failed publish; {@code project} is null when the build did not get that far. */
    private static FailureNotice failureNotice(PublishRequest request, String project, RuntimeException e) {
        return FailureNotice.of(project, request.projectDir(), request.stage(), e, request.publishedBy(), request.sourceRevision());
    }

    /** Publishes, then tells the notifier how it went; failures are rethrown after the notice. */
    public PublishResult publish(PublishRequest request, PublishLog log) {
        try (PublishBuild build = PublishBuild.start(request, builder, log)) {
            return publish(request, build, log);
        }
    }

    /**
     * {@link #publish(PublishRequest, PublishLog)} with the build already started (by the caller, as early as it can:
     * see {@link PublishBuild}) for the same {@code request}. The caller closes {@code build}.
     */
    public PublishResult publish(PublishRequest request, PublishBuild build, PublishLog log) {
        String[] project = new String[1];
        List<String> warnings = new ArrayList<>();
        PublishResult result;
        try {
            result = run(request, build, log, project, warnings);
        } catch (RuntimeException e) {
            notifier.failed(failureNotice(request, project[0], e), log);
            throw e;
        }
        IndexLinks links = request.indexUrl() == null ? null : new IndexLinks(request.indexUrl());
        Release r = result.release();
        notifier.published(PublishNotice.of(r, result.latest(),
                links == null ? null : links.projectPage(r.stage(), r.project()),
                links == null || r.docsPrefix() == null ? null : links.docs(r.stage(), r.project(), r.version().normalized()), warnings), log);
        return result;
    }

    private PublishResult run(PublishRequest request, PublishBuild build, PublishLog log, String[] projectOut, List<String> warnings) {
        // While the build runs: a version stated statically (pyproject.toml [project], setup.cfg [metadata]) that is
        // already published is refused now, not after minutes of building. The check after the build stays.
        build.declared().filter(v -> !request.overwrite()).ifPresent(v -> {
            projectOut[0] = v.project();
            if (versions.releases(request.stage(), v.project()).stream().anyMatch(r -> r.version().equals(v.version()))) {
                build.stop();
                throw new ReleaseExistsException(v.project() + " " + v.version() + " is already published in stage '"
                        + request.stage() + "' (the version " + v.source() + " states). Releases are immutable: bump the "
                        + "version, or pass --overwrite (overwrite: true in Jenkins) to replace it deliberately. "
                        + "Nothing was uploaded, and nothing was built.");
            }
        });
        List<InspectedDistribution> dists = inspectAll(build.files());
        InspectedDistribution first = dists.get(0);
        String display = first.metadata().name();
        String project = ProjectName.of(display).normalized();
        projectOut[0] = project;
        Version version = Version.parse(first.metadata().version());
        if (request.versionSuffix() != null && !version.normalized().endsWith(Version.parse("0" + request.versionSuffix())
                .normalized().substring(1))) {
            throw new PublishException("The build produced version " + version + ", which does not carry the suffix "
                    + request.versionSuffix() + ": the project may compute its version dynamically.");
        }
        log.info("Built " + display + " " + version + ": "
                + String.join(", ", dists.stream().map(d -> d.filename().filename()).toList()));
        return publishInspected(request, dists, build.outDir(), log, warnings);
    }

    /**
     * Publishes distributions that are already built (an upload API, tests): the same inspection,
     * upload and conditional record as after a build. {@code request.projectDir()} is not used.
     */
    public PublishResult publishFiles(PublishRequest request, List<Path> files, PublishLog log) {
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("No distribution files to publish");
        }
        Path work;
        try {
            work = Files.createTempDirectory("pypub-publish-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder: " + e.getMessage(), e);
        }
        try {
            return publishInspected(request, inspectAll(files), work, log, new ArrayList<>());
        } finally {
            FileTrees.deleteQuietly(work);
        }
    }

    /**
     * Starts sending a distribution that is still arriving to its content-addressed key, named by the sha256 the
     * uploader declared ({@code sha256}, 64 hex digits) before sending it; the caller appends the bytes to
     * {@code file} and reports them, then passes it to {@link #addFile} or closes it (abort). Empty when the store
     * cannot stream. Nothing is visible before addFile completes it, and only after the bytes matched the digest.
     */
    public Optional<StreamingBlobUpload> streamDistribution(String sha256, Path file) {
        return store.streamTo(layout.blobKey(sha256), sha256, ReleaseWriter.DIST_CONTENT_TYPE, file);
    }

    /** What {@link #addFile} did. */
    public enum Added {
        /** The file joined the release (or started it). */
        ADDED,
        /** The release already had this file with the same bytes: nothing changed (a retried upload). */
        UNCHANGED
    }

    /** The outcome of {@link #addFile}: the release as recorded (or as found), and whether it changed. */
    public record AddResult(Release release, Added added, VersionTable.RecordOutcome latest) {}

    private static final int ADD_ATTEMPTS = 8;

    /**
     * Adds one already-built distribution to its release, creating the release if the version is new:
     * what the upload API does for each file twine or uv sends (the sdist and each wheel arrive
     * separately). The same inspection and content-addressed upload as a publish; then the record is
     * written in place of exactly the record read (or on the version being absent), so two uploads of
     * different files of one version cannot lose each other: the loser of the race re-reads and tries
     * again with the winner's files included. A file name already in the release with the same sha256
     * is success without a write; with other bytes it is {@link FileExistsException}. The notifier
     * (change log, Slack) hears about every added file and every failure.
     */
    public AddResult addFile(PublishRequest request, Path file, PublishLog log) {
        return addFile(request, file, null, null, null, log);
    }

    /**
     * {@link #addFile(PublishRequest, Path, PublishLog)} of a received file: already inspected ({@code inspected},
     * null: inspect it here), its digest computed as it arrived ({@code received}, null: hash it here), and perhaps
     * already being sent to its key ({@code streamed}, null if not; completed only if the file is added, and the caller
     * closes it, which aborts it otherwise).
     */
    public AddResult addFile(PublishRequest request, Path file, InspectedDistribution inspected, FileDigest received,
            StreamingBlobUpload streamed, PublishLog log) {
        String[] project = new String[1];
        AddResult result;
        try {
            InspectedDistribution d = inspected != null ? inspected : inspectAll(List.of(file)).get(0);
            project[0] = normalizedName(d);
            result = addInspected(request, d, received != null ? received : FileDigest.of(d.file()), streamed, log);
        } catch (RuntimeException e) {
            notifier.failed(failureNotice(request, project[0], e), log);
            throw e;
        }
        if (result.added() == Added.ADDED) {
            IndexLinks links = request.indexUrl() == null ? null : new IndexLinks(request.indexUrl());
            Release r = result.release();
            PublishNotice notice = PublishNotice.of(r, result.latest(),
                    links == null ? null : links.projectPage(r.stage(), r.project()), null);
            if (r.files().size() == 1) {
                notifier.published(notice, log); // the file that recorded the version: the release's announcement
            } else {
                // A further file: by this uploader, not the release's first publisher.
                notifier.fileAdded(new PublishNotice(notice.project(), notice.displayName(), notice.version(), notice.stage(),
                        notice.files(), notice.indexUrl(), notice.docsUrl(), request.publishedBy(), request.sourceRevision(),
                        notice.latest(), notice.warnings()), file.getFileName().toString(), log);
            }
        }
        return result;
    }

    /**
     * Gives an existing release the docs in {@code docsDir} (the upload API's {@code doc_upload}): uploaded below a new
     * docs prefix, exactly like pdoc's output, then the release is recorded with that prefix in place of exactly the
     * record read (retried from a fresh read if an upload of a file or a yank changed it meanwhile). The docs it had
     * before stay until the collector removes them. No release of that version: {@link PublishException}, nothing stored.
     */
    public Release addDocs(io.pypub.core.release.Stage stage, String project, Version version, Path docsDir, PublishLog log) {
        ReleaseWriter writer = new ReleaseWriter(store, docsStore, versions, layout);
        String prefix = null;
        for (int attempt = 1; ; attempt++) {
            Release previous = versions.releases(stage, project).stream().filter(r -> r.version().equals(version)).findFirst()
                    .orElseThrow(() -> new PublishException("There is no release " + project + " " + version + " in stage '" + stage
                            + "' to attach docs to: upload its files first. Nothing was stored."));
            if (prefix == null) {
                prefix = writer.uploadDocs(docsDir, stage, project, previous.version(), log);
            }
            Release updated = new Release(previous.stage(), previous.project(), previous.displayName(), previous.version(),
                    previous.files(), prefix, previous.yanked(), previous.yankReason(), previous.publishedBy(),
                    previous.sourceRevision(), previous.summary(), previous.publishedAt(), null, previous.provenance());
            try {
                writer.record(updated, previous, log);
                return updated;
            } catch (ReleaseExistsException | io.pypub.core.storage.PublishConflictException e) {
                if (attempt >= ADD_ATTEMPTS) {
                    throw e;
                }
                log.info("Another upload changed " + project + " " + version + " meanwhile; reading it again (" + attempt + ").");
            }
        }
    }

    private AddResult addInspected(PublishRequest request, InspectedDistribution d, FileDigest received, StreamingBlobUpload streamed,
            PublishLog log) {
        String display = d.metadata().name();
        String project = normalizedName(d);
        Version version = parseVersion(d);
        String filename = d.filename().filename();
        String sha256 = received.sha256();
        ReleaseWriter writer = new ReleaseWriter(store, docsStore, versions, layout);
        ReleaseFile uploaded = null;
        for (int attempt = 1; ; attempt++) {
            Release previous = versions.releases(request.stage(), project).stream().filter(r -> r.version().equals(version))
                    .findFirst().orElse(null);
            ReleaseFile same = previous == null ? null
                    : previous.files().stream().filter(f -> f.filename().equals(filename)).findFirst().orElse(null);
            if (same != null) {
                if (same.sha256().equals(sha256)) {
                    log.info(filename + " is already in " + project + " " + version + " with the same bytes; nothing to do.");
                    return new AddResult(previous, Added.UNCHANGED, null);
                }
                throw new FileExistsException("File already exists: " + filename + " is in " + project + " " + previous.version()
                        + " in stage '" + request.stage() + "' with other bytes (sha256 " + same.sha256() + "). A file name is "
                        + "never reused: bump the version.");
            }
            if (uploaded == null) {
                uploaded = writer.upload(d, Instant.now(), log, received, streamed); // objects first, once; the record may be retried
            }
            List<ReleaseFile> files = new ArrayList<>(previous == null ? List.of() : previous.files());
            files.add(uploaded);
            files.sort(Comparator.comparing(ReleaseFile::packageType).thenComparing(ReleaseFile::filename));
            Release release = previous == null
                    ? new Release(request.stage(), project, display, version, files, null, false, null, request.publishedBy(),
                            request.sourceRevision(), d.metadata().summary(), Instant.now(), null, request.provenance())
                    : new Release(previous.stage(), previous.project(), previous.displayName(), previous.version(), files,
                            previous.docsPrefix(), previous.yanked(), previous.yankReason(), previous.publishedBy(),
                            previous.sourceRevision(), previous.summary(), previous.publishedAt(), null, previous.provenance());
            try {
                VersionTable.RecordOutcome outcome = writer.record(release, previous, log);
                reportLatest(release, outcome, log);
                return new AddResult(release, Added.ADDED, outcome);
            } catch (ReleaseExistsException | io.pypub.core.storage.PublishConflictException e) {
                if (attempt >= ADD_ATTEMPTS) {
                    throw e;
                }
                log.info("Another upload changed " + project + " " + version + " meanwhile; reading it again (" + attempt + ").");
            }
        }
    }

    private PublishResult publishInspected(PublishRequest request, List<InspectedDistribution> dists, Path outDir, PublishLog log,
            List<String> warnings) {
        {
            InspectedDistribution first = dists.get(0);
            String display = first.metadata().name();
            String project = ProjectName.of(display).normalized();
            Version version = Version.parse(first.metadata().version());
            checkPublicName(request, project, log, warnings);
            // PEP 440 equality, not the key: 1.2 is already published when 1.2.0 is.
            Release previous = versions.releases(request.stage(), project).stream().filter(r -> r.version().equals(version))
                    .findFirst().orElse(null);
            if (previous != null && !request.overwrite()) {
                throw new ReleaseExistsException(project + " " + version + " is already published in stage '" + request.stage()
                        + "'. Releases are immutable: bump the version, or pass --overwrite (overwrite: true in Jenkins) "
                        + "to replace it deliberately. Nothing was uploaded.");
            }

            GeneratedDocs docs = request.docs() ? generateDocs(request, dists, outDir.resolve("docs"), log) : null;

            // New, content-addressed objects; nothing that a record references is ever replaced. Two publishes of
            // one version race only at the record, which is conditioned on what this one read: the loser records
            // nothing (see ReleaseWriter). No lease is needed.
            ReleaseWriter writer = new ReleaseWriter(store, docsStore, versions, layout);
            ReleaseWriter.Uploaded uploaded = writer.uploadAll(dists, docs == null ? null : docs.dir(), request.stage(), project,
                    version, Instant.now(), DocsUploader.DEFAULT_THREADS, log);
            List<ReleaseFile> files = uploaded.files();
            String docsPrefix = uploaded.docsPrefix();
            if (previous != null && previous.docsPrefix() != null && docsPrefix == null) {
                log.warn("The release being overwritten has docs (" + previous.docsPrefix() + "); this publish has none "
                        + (request.docs() ? "(no wheel to document)" : "(docs are off)") + ", so " + project + " " + version
                        + " will have no docs after it. Publish with docs to keep them.");
            }
            Release release = new Release(request.stage(), project, display, previous != null ? previous.version() : version,
                    files, docsPrefix, false, null, request.publishedBy(), request.sourceRevision(), first.metadata().summary(),
                    Instant.now(), null, request.provenance());
            VersionTable.RecordOutcome outcome = writer.record(release, previous, log);
            reportLatest(release, outcome, log);
            return new PublishResult(release, outcome);
        }
    }

    private static void reportLatest(Release r, VersionTable.RecordOutcome outcome, PublishLog log) {
        String where = "latest of " + r.project() + " in '" + r.stage() + "'";
        if (outcome.pinned()) {
            log.warn(where + " is pinned to " + outcome.latestVersion()
                    + (outcome.pinReason() == null ? "" : " (" + outcome.pinReason() + ")")
                    + " and was left there; unpin it to let " + r.version() + " become latest.");
        } else if (outcome.latestMoved()) {
            log.info(where + " is now " + outcome.latestVersion() + ".");
        } else {
            log.info(where + " stays at " + outcome.latestVersion() + " (the highest version that is not yanked).");
        }
    }

    private GeneratedDocs generateDocs(PublishRequest request, List<InspectedDistribution> dists, Path docsDir, PublishLog log) {
        var wheel = dists.stream().filter(d -> d.filename().type() == PackageType.WHEEL).findFirst();
        if (wheel.isEmpty()) {
            log.warn("No docs: pdoc documents the wheel, and this publish built none (wheel is off).");
            return null;
        }
        // With docsPython the caller prepared an interpreter; otherwise the dependencies come from the target stage.
        DocsDependencies dependencies = request.docsPython() == null
                && DocsDependencies.needed(wheel.get().metadata().getAll("Requires-Dist"))
                ? new DocsDependencies(versions, store, request.stage(), IndexLinks.orPlaceholder(request.indexUrl()).simpleIndex(request.stage()))
                : null;
        String python = request.docsPython() != null ? request.docsPython() : request.python();
        try {
            return docsGenerator.generate(wheel.get().file(), request.docsModules(), docsDir, python,
                    request.buildTimeout(), log, dependencies);
        } catch (PublishException e) {
            throw new PublishException(e.getMessage() + "\n(To publish without API docs, turn docs off: --no-docs, or docs: false in Jenkins.)", e);
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

}
