package io.pypub.core.retention;

import io.pypub.core.lifecycle.AuditTrail;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Deletion of objects, as a collector: prune and overwrite only remove or replace records; this
 * sweep deletes the objects that no record of any stage (and no backup the caller honours)
 * references and that have been unreferenced for longer than a grace period. The grace period
 * must be longer than anything that may still lead to an object a fresh read no longer
 * references: the index's page cache (about 1.5 s), a presigned download URL, and the slowest
 * publish between its upload and its record. A sweep is safe at any time, next to publishes and
 * downloads:
 *
 * <ol>
 *   <li>it lists the candidate objects first (content-addressed blobs, legacy per-release files of
 *       known stages, docs);</li>
 *   <li>then reads every record, twice (so a reference that moved from one record to another while
 *       the first scan ran, e.g. a promotion followed by a prune of its source, is still seen);</li>
 *   <li>marks each unreferenced object in the version table ({@code pk=#gc}) with the time it was
 *       first found unreferenced, and forgets the mark of one that is referenced again; the grace
 *       period runs from that time, not from the object's age, so a release published long ago and
 *       pruned a second ago is not deleted under a page that still lists it;</li>
 *   <li>deletes an object only when its mark is older than the grace period and a HEAD just before
 *       the delete shows it was not written since it was marked. Writers that add a reference to bytes
 *       that may have been unreferenced write them again first (a publish or import uploads them, a
 *       restore touches them) and check them after recording (a publish puts back what a sweep took
 *       in the instant between its HEAD and its DELETE).</li>
 * </ol>
 * With a grace period of zero (tests) an object is deleted by the sweep that first finds it unreferenced.
 */
public final class ObjectCollector {
    /** The default grace period: far above the index cache and any presigned URL or publish. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(48);
    /** Between the key and the upload id in the mark of an open multipart upload. */
    private static final String UPLOAD_MARK = "?uploadId=";

    private final DynamoVersionTable versions;
    private final S3ArtifactStore packages;
    private final S3ArtifactStore docs;
    private final StorageLayout layout;
    private final TableBackup backups;
    private final AuditTrail audit;

    public ObjectCollector(DynamoVersionTable versions, S3ArtifactStore packages, S3ArtifactStore docs, StorageLayout layout,
            TableBackup backups, AuditTrail audit) {
        this.versions = versions;
        this.packages = packages;
        this.docs = docs;
        this.layout = layout;
        this.backups = backups;
        this.audit = audit;
    }

    public static ObjectCollector on(AwsClients aws) {
        var s = aws.settings();
        return new ObjectCollector(new DynamoVersionTable(aws.dynamo(), s.versionTable()), new S3ArtifactStore(aws.s3(), s.bucket()),
                new S3ArtifactStore(aws.s3(), s.effectiveDocsBucket()), s.layout(), new TableBackup(aws.dynamo(), aws.s3()),
                new AuditTrail());
    }

    /** One object the sweep deleted, or in a dry run would delete. */
    public record Collected(String bucket, String key, long size, Instant lastModified) {}

    /**
     * What a sweep found: {@code scanned} candidates, of which {@code referenced} are referenced,
     * {@code young} unreferenced for less than the grace period, and {@code collected} deleted (or to delete).
     */
    public record Report(int scanned, int referenced, int young, List<Collected> collected, boolean dryRun, int abandonedUploads) {
        public Report(int scanned, int referenced, int young, List<Collected> collected, boolean dryRun) {
            this(scanned, referenced, young, collected, dryRun, 0);
        }

        public long bytes() {
            return collected.stream().mapToLong(Collected::size).sum();
        }

        public String message() {
            return (dryRun ? "Dry run: would delete " : "Deleted ") + collected.size() + " unreferenced objects (" + bytes()
                    + " bytes) of " + scanned + " scanned; " + referenced + " referenced, " + young
                    + " unreferenced for less than the grace period." + (abandonedUploads == 0 ? ""
                            : (dryRun ? " Would abort " : " Aborted ") + abandonedUploads
                                    + " multipart uploads abandoned for longer than the grace period.");
        }
    }

    /**
     * Sweeps the package and docs objects.
     *
     * @param grace how old an unreferenced object must be to go
     * @param honouredBackups keys (in the package bucket) of version-table backups whose records keep their objects
     */
    public Report sweep(Duration grace, boolean dryRun, List<String> honouredBackups, String actor, PublishLog log) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("The grace period must be zero or more");
        }
        var event = AuditTrail.Event.of("gc", actor).with("grace", grace.toString()).with("dry_run", dryRun);
        return audit.run(event, () -> {
            List<StoredObject> packageCandidates = new ArrayList<>(packages.list(layout.blobsPrefix()));
            List<Stage> stages = versions.stages();
            for (Stage stage : stages) {
                for (StoredObject o : packages.list(layout.prefix() + stage.name() + "/")) {
                    if (isLegacyReleaseObject(o.key())) {
                        packageCandidates.add(o);
                    }
                }
            }
            List<StoredObject> docsCandidates = docs.list(layout.docsRoot());
            log.info("Listed " + packageCandidates.size() + " package objects and " + docsCandidates.size() + " docs objects");

            References refs = new References();
            // Twice, after the listing: see the class comment.
            for (int pass = 0; pass < 2; pass++) {
                versions.allReleases().forEach(refs::add);
            }
            for (String backup : honouredBackups == null ? List.<String>of() : honouredBackups) {
                List<Release> kept = backups.releases(packages.bucket(), backup);
                kept.forEach(refs::add);
                log.info("Honouring backup " + backup + " (" + kept.size() + " releases)");
            }

            int scanned = packageCandidates.size() + docsCandidates.size();
            int referenced = 0;
            int young = 0;
            List<Collected> collected = new ArrayList<>();
            Map<String, Instant> marks = versions.collectorMarks();
            Instant now = Instant.now();
            for (boolean isDocs : new boolean[] {false, true}) {
                S3ArtifactStore store = isDocs ? docs : packages;
                for (StoredObject o : isDocs ? docsCandidates : packageCandidates) {
                    String id = store.bucket() + "/" + o.key();
                    Instant marked = marks.get(id);
                    if (isDocs ? refs.coversDocs(o.key()) : refs.objects.contains(o.key())) {
                        referenced++;
                        if (marked != null && !dryRun) {
                            versions.clearMark(id);
                        }
                        continue;
                    }
                    // Unreferenced since the first sweep that saw it so (this one, if none did before).
                    Instant since = marked != null ? marked : now;
                    if (marked == null && !dryRun) {
                        versions.markUnreferenced(id, now);
                    }
                    if (since.isAfter(now.minus(grace))) {
                        young++;
                        continue;
                    }
                    // Just before deleting: still there, and not written again since it was marked? A writer that
                    // uploaded the same bytes again (or a restore that touched them) has made it live again.
                    Optional<StoredObject> head = store.head(o.key());
                    if (head.isEmpty()) {
                        if (!dryRun) {
                            versions.clearMark(id);
                        }
                        continue;
                    }
                    Instant modified = head.get().lastModified();
                    if (modified == null || modified.isAfter(since)) {
                        young++;
                        if (!dryRun) {
                            versions.clearMark(id);
                        }
                        continue;
                    }
                    if (!dryRun) {
                        store.delete(o.key());
                        versions.clearMark(id);
                    }
                    collected.add(new Collected(store.bucket(), o.key(), head.get().size(), modified));
                    log.info((dryRun ? "would delete " : "deleted ") + "s3://" + store.bucket() + "/" + o.key() + " ("
                            + head.get().size() + " bytes, unreferenced since " + since + ")");
                }
            }
            // Uploads to a blob key that were never completed or aborted (an index killed mid-upload): nothing
            // references them and no object exists, but S3 keeps and bills their parts until they are aborted. Aged
            // like objects, from the first sweep that saw them (S3 compatibles do not all report a real start time).
            int abandoned = 0;
            java.util.Set<String> open = new java.util.HashSet<>();
            for (S3ArtifactStore.PendingUpload u : packages.pendingUploads(layout.blobsPrefix())) {
                String id = packages.bucket() + "/" + u.key() + UPLOAD_MARK + u.uploadId();
                open.add(id);
                Instant since = marks.getOrDefault(id, now);
                if (u.initiated() != null && u.initiated().isAfter(since)) {
                    since = u.initiated();
                }
                if (!marks.containsKey(id) && !dryRun) {
                    versions.markUnreferenced(id, now);
                }
                if (since.isAfter(now.minus(grace))) {
                    continue;
                }
                abandoned++;
                if (!dryRun) {
                    packages.abort(u);
                    versions.clearMark(id);
                }
                log.info((dryRun ? "would abort " : "aborted ") + "the multipart upload of s3://" + packages.bucket() + "/"
                        + u.key() + " (open since " + since + ")");
            }
            if (!dryRun) { // marks of uploads that were completed or aborted since
                marks.keySet().stream().filter(id -> id.contains(UPLOAD_MARK) && !open.contains(id)).forEach(versions::clearMark);
            }
            Report report = new Report(scanned, referenced, young, collected, dryRun, abandoned);
            log.info(report.message());
            return new Swept(report);
        }).report();
    }

    private record Swept(Report report) implements AuditTrail.Outcome {
        public boolean changed() {
            return !report.dryRun() && (!report.collected().isEmpty() || report.abandonedUploads() > 0);
        }

        public String message() {
            return report.message();
        }
    }

    /** {@code {stage}/{project}/{version}/{filename}} below the prefix: a file (or .metadata) of the legacy layout. */
    private boolean isLegacyReleaseObject(String key) {
        String rel = key.substring(layout.prefix().length());
        // upstream/: files a stage cached from its upstream (issue 14), referenced by their own records, never collected here.
        if (rel.startsWith(StorageLayout.BLOBS) || rel.startsWith("docs/") || rel.startsWith("backups/") || rel.startsWith("upstream/")) {
            return false;
        }
        String[] parts = rel.split("/", -1);
        if (parts.length != 4 || parts[3].isEmpty()) {
            return false;
        }
        String name = parts[3];
        return name.endsWith(".tar.gz") || name.endsWith(".whl") || name.endsWith(".zip") || name.endsWith(".metadata");
    }

    /** What records reference: exact object keys, and docs prefixes (everything below one is referenced). */
    private static final class References {
        final Set<String> objects = new HashSet<>();
        final Set<String> docsPrefixes = new HashSet<>();

        void add(Release r) {
            for (ReleaseFile f : r.files()) {
                objects.add(f.objectKey());
                String metadata = StorageLayout.metadataKey(f);
                if (metadata != null) {
                    objects.add(metadata);
                }
            }
            if (r.docsPrefix() != null) {
                docsPrefixes.add(r.docsPrefix().endsWith("/") ? r.docsPrefix() : r.docsPrefix() + "/");
            }
        }

        boolean coversDocs(String key) {
            for (int i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
                if (docsPrefixes.contains(key.substring(0, i + 1))) {
                    return true;
                }
            }
            return false;
        }
    }
}
