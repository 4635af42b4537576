package io.pypub.core.retention;

import io.pypub.core.lifecycle.AuditTrail;
import io.pypub.core.progress.PublishLog;
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
 * Only records are deleted, each in its own transaction: the objects are shared (promotion, equal
 * bytes) and may still be served from a page cached before the delete, so {@link ObjectCollector}
 * removes them later, once no record references them and the grace period has passed.
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

    /** Deletes the record only: its objects become unreferenced (unless another record shares them) and the collector removes them. */
    private int delete(Release r, String actor) {
        int objects = countObjects(r);
        audit.run(AuditTrail.Event.of("prune", actor).with("stage", r.stage()).with("project", r.project())
                .with("version", r.version().normalized()), () -> {
                    versions.deleteRelease(r.stage(), r.project(), r.version());
                    return new AuditTrail.Outcome() {
                        public boolean changed() {
                            return true;
                        }

                        public String message() {
                            return "Deleted the record; its " + objects + " objects go with the next `pypub gc` once nothing references them";
                        }
                    };
                });
        return objects;
    }

    /** The objects the record references: files, metadata files, and docs (counted under its prefix). */
    private int countObjects(Release r) {
        int n = 0;
        for (ReleaseFile f : r.files()) {
            n += StorageLayout.metadataKey(f) == null ? 1 : 2;
        }
        if (r.docsPrefix() != null) {
            n += s3.listObjectsV2Paginator(b -> b.bucket(docsBucket).prefix(r.docsPrefix())).contents().stream().mapToInt(o -> 1).sum();
        }
        return n;
    }
}
