package io.pypub.core.retention;

import io.pypub.core.lifecycle.AuditTrail;
import io.pypub.core.publish.PublishLog;
import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.VersionTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Removes old releases of a stage (typically dev) by a {@link PrunePolicy}, never touching a
 * project's {@code latest} (pinned or not) or a release that was promoted: one whose version
 * also lives in another stage with the same bytes, or that came into this stage by promotion.
 * The record goes first, in its own transaction; the objects after it, so a failure part way
 * leaves at most unreferenced objects, never a record pointing at nothing.
 */
public final class ReleasePruner {
    private final VersionTable versions;
    private final S3Client s3;
    private final String bucket;
    private final String docsBucket;
    private final AuditTrail audit;

    public ReleasePruner(VersionTable versions, S3Client s3, String bucket, String docsBucket, AuditTrail audit) {
        this.versions = versions;
        this.s3 = s3;
        this.bucket = bucket;
        this.docsBucket = docsBucket;
        this.audit = audit;
    }

    public static ReleasePruner on(AwsClients aws) {
        return new ReleasePruner(new DynamoVersionTable(aws.dynamo(), aws.settings().versionTable()), aws.s3(),
                aws.settings().bucket(), aws.settings().effectiveDocsBucket(), AuditTrail.on(aws));
    }

    /** One release the prune removed (or, in a dry run, would remove). */
    public record Pruned(String project, String version, Instant publishedAt, int objects) {}

    public List<Pruned> prune(Stage stage, PrunePolicy policy, boolean dryRun, String actor, PublishLog log) {
        List<Stage> otherStages = versions.stages().stream().filter(s -> !s.equals(stage)).toList();
        Instant cutoff = policy.olderThan() == null ? null : Instant.now().minus(policy.olderThan());
        List<Pruned> pruned = new ArrayList<>();
        for (ProjectEntry project : versions.projects(stage)) {
            List<Release> releases = new ArrayList<>(versions.releases(stage, project.name()));
            releases.sort(Comparator.comparing(Release::version).reversed());
            Optional<LatestPointer> latest = versions.latest(stage, project.name());
            int keep = policy.keep() == null ? 0 : policy.keep();
            for (int i = keep; i < releases.size(); i++) {
                Release r = releases.get(i);
                if (cutoff != null && !r.publishedAt().isBefore(cutoff)) {
                    continue;
                }
                String why = protection(r, latest, otherStages);
                if (why != null) {
                    log.info("keeping " + r.project() + " " + r.version() + ": " + why);
                    continue;
                }
                int objects = dryRun ? countObjects(r) : delete(r, actor);
                pruned.add(new Pruned(r.project(), r.version().normalized(), r.publishedAt(), objects));
                log.info((dryRun ? "would prune " : "pruned ") + r.project() + " " + r.version() + " (published "
                        + r.publishedAt() + ", " + objects + " objects)");
            }
        }
        log.info((dryRun ? "Dry run: would prune " : "Pruned ") + pruned.size() + " releases from stage '" + stage + "'.");
        return pruned;
    }

    private String protection(Release r, Optional<LatestPointer> latest, List<Stage> otherStages) {
        if (latest.isPresent() && latest.get().version().equals(r.version().normalized())) {
            return latest.get().pinned() ? "pinned latest" : "latest";
        }
        if (versions.promotedFrom(r.stage(), r.project(), r.version()).isPresent()) {
            return "promoted into this stage";
        }
        for (Stage other : otherStages) {
            Optional<Release> there = versions.release(other, r.project(), r.version());
            if (there.isPresent() && sameBytes(there.get(), r)) {
                return "promoted to stage '" + other + "'";
            }
        }
        return null;
    }

    private static boolean sameBytes(Release a, Release b) {
        return a.files().stream().map(ReleaseFile::sha256).sorted().toList()
                .equals(b.files().stream().map(ReleaseFile::sha256).sorted().toList());
    }

    private int delete(Release r, String actor) {
        int[] count = {0};
        audit.run(AuditTrail.Event.of("prune", actor).with("stage", r.stage()).with("project", r.project())
                .with("version", r.version().normalized()), () -> {
                    versions.deleteRelease(r.stage(), r.project(), r.version());
                    for (String key : objectKeys(r)) {
                        s3.deleteObject(b -> b.bucket(bucket).key(key));
                        count[0]++;
                    }
                    if (r.docsPrefix() != null) {
                        count[0] += deletePrefix(docsBucket, r.docsPrefix());
                    }
                    return new AuditTrail.Outcome() {
                        public boolean changed() {
                            return true;
                        }

                        public String message() {
                            return "Deleted the record and " + count[0] + " objects";
                        }
                    };
                });
        return count[0];
    }

    private int countObjects(Release r) {
        int n = objectKeys(r).size();
        if (r.docsPrefix() != null) {
            n += s3.listObjectsV2Paginator(b -> b.bucket(docsBucket).prefix(r.docsPrefix())).contents().stream().mapToInt(o -> 1).sum();
        }
        return n;
    }

    private static List<String> objectKeys(Release r) {
        List<String> keys = new ArrayList<>();
        for (ReleaseFile f : r.files()) {
            keys.add(f.objectKey());
            if (f.metadataSha256() != null) {
                keys.add(StorageLayout.metadataKey(f.objectKey()));
            }
        }
        return keys;
    }

    private int deletePrefix(String inBucket, String prefix) {
        int n = 0;
        for (var o : s3.listObjectsV2Paginator(b -> b.bucket(inBucket).prefix(prefix)).contents()) {
            s3.deleteObject(b -> b.bucket(inBucket).key(o.key()));
            n++;
        }
        return n;
    }
}
