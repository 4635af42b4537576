package io.pypub.core.lifecycle;

import io.pypub.core.notify.LifecycleNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.storage.ReleaseStateException;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StoredObject;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.storage.VersionTable.RecordOutcome;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Promotes a release from one stage to another without rebuilding and without copying: objects
 * are immutable and content-addressed, so the target stage's record references the source record's
 * objects (files, metadata, docs prefix) and the bytes are the tested ones by construction. The
 * record is written in one transaction with the usual {@code latest} rules, conditioned on the
 * source record still being the one read (so its objects were referenced all along).
 */
public final class ReleasePromoter {

    private final VersionTable versions;
    private final BucketCopier packages;
    private final BucketCopier docs;
    private final StorageLayout layout;
    private final AuditTrail audit;

    public ReleasePromoter(VersionTable versions, BucketCopier packages, BucketCopier docs, StorageLayout layout, AuditTrail audit) {
        this.versions = versions;
        this.packages = packages;
        this.docs = docs;
        this.layout = layout;
        this.audit = audit;
    }

    private volatile Notifier notifier = Notifier.NONE;

    /**
     * Announces every promotion that recorded something through {@code notifier} (Slack: a reply in the source
     * release's thread, broadcast for production), after it is recorded; never changes the outcome.
     */
    public ReleasePromoter notifying(Notifier notifier) {
        this.notifier = notifier == null ? Notifier.NONE : notifier;
        return this;
    }

    /** Wired on a deployment: its package bucket, docs bucket, version table and key prefix. */
    public static ReleasePromoter on(AwsClients aws) {
        var s = aws.settings();
        return new ReleasePromoter(new DynamoVersionTable(aws.dynamo(), s.versionTable()),
                new BucketCopier(aws.s3(), s.bucket()), new BucketCopier(aws.s3(), s.effectiveDocsBucket()), s.layout(),
                AuditTrail.on(aws));
    }

    public PromotionResult promote(String project, String version, Stage from, Stage to, String actor, PublishLog log) {
        PromotionResult result = promoteAndAudit(project, version, from, to, actor, log);
        if (result.changed()) {
            Release r = result.release();
            try {
                notifier.lifecycle(new LifecycleNotice("promote", to, from, r.project(), r.version().normalized(), result.message(),
                        actor, null), log);
            } catch (RuntimeException e) {
                log.warn("The promote notification was not sent (" + e + "); the promotion itself is done.");
            }
        }
        return result;
    }

    private PromotionResult promoteAndAudit(String project, String version, Stage from, Stage to, String actor, PublishLog log) {
        var event = AuditTrail.Event.of("promote", actor).with("from", from).with("to", to).with("project", project)
                .with("version", version);
        return audit.run(event, () -> {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            ReleaseLifecycle.requireActor(actor);
            if (from.equals(to)) {
                throw new IllegalArgumentException("Promote needs two different stages (--from " + from + " --to " + to + ").");
            }
            String name = ProjectName.of(project).normalized();
            Release source = sourceRelease(from, name, Version.parse(version));
            Version v = source.version();
            String what = name + " " + v.normalized();

            Optional<Release> existing = versions.release(to, name, v);
            if (existing.isPresent()) {
                return alreadyThere(source, existing.get(), from, to);
            }

            log.info("Promoting " + what + " from '" + from + "' to '" + to + "' (" + source.files().size() + " files"
                    + (source.docsPrefix() == null ? "" : " + docs") + "): the target record references the same objects");
            // Nothing is copied: objects are immutable (content-addressed), so the target stage's record points at
            // the very objects the source record does, the bytes that passed test by construction. A HEAD of each
            // still proves they are there and were not replaced outside pypub.
            for (ReleaseFile f : source.files()) {
                verify(f.objectKey(), f.sha256(), f.size());
                String metadataKey = StorageLayout.metadataKey(f);
                if (metadataKey != null) {
                    verify(metadataKey, f.metadataSha256(), -1);
                }
            }
            int docsFiles = source.docsPrefix() == null ? 0 : docs.list(source.docsPrefix()).size();
            if (source.docsPrefix() != null && docsFiles == 0) {
                log.warn("The release records docs under " + source.docsPrefix() + " but there are none; promoting without docs.");
            }
            String docsPrefix = docsFiles == 0 ? null : source.docsPrefix();
            List<ReleaseFile> files = source.files();
            Instant promotedAt = Instant.now();
            // The provenance of the published build travels with the release; the promoting build is added to it.
            Release promoted = new Release(to, name, source.displayName(), v, files, docsPrefix, false, null, actor,
                    source.sourceRevision(), source.summary(), promotedAt, null,
                    source.provenance().promoted(from, to, actor, promotedAt));
            RecordOutcome outcome;
            try {
                // Conditioned on the source record still being as read: its objects are the ones referenced.
                outcome = versions.recordPromotion(promoted, source);
            } catch (ReleaseExistsException e) {
                // Someone recorded the version in the target meanwhile: fine if it is the same bytes.
                Release now = versions.release(to, name, v).orElseThrow(() -> e);
                return alreadyThere(source, now, from, to);
            }
            String latest = outcome.pinned()
                    ? "latest in '" + to + "' stays pinned to " + outcome.latestVersion()
                            + (outcome.pinReason() == null ? "" : " (" + outcome.pinReason() + ")")
                    : "latest in '" + to + "' is " + outcome.latestVersion();
            String message = "Promoted " + what + " from '" + from + "' to '" + to + "': " + files.size() + " files"
                    + (docsPrefix == null ? "" : " and " + docsFiles + " docs files") + ", the same objects (nothing copied); "
                    + latest + ".";
            log.info(message);
            return new PromotionResult(from, promoted, true, outcome, docsFiles, message);
        });
    }

    private Release sourceRelease(Stage from, String name, Version v) {
        // By PEP 440 equality, so 1.2 finds a release recorded as 1.2.0.
        List<Release> all = versions.releases(from, name);
        Optional<Release> source = all.stream().filter(r -> r.version().equals(v)).findFirst();
        if (source.isEmpty()) {
            if (all.isEmpty()) {
                throw new ReleaseStateException("There is no project '" + name + "' in stage '" + from
                        + "': check the name and --from.");
            }
            throw new ReleaseStateException(name + " " + v.normalized() + " is not published in stage '" + from
                    + "' (published there: " + String.join(", ", all.stream().map(Release::version).sorted()
                            .map(Version::normalized).toList()) + ").");
        }
        Release r = source.get();
        if (r.yanked()) {
            throw new ReleaseStateException(name + " " + v.normalized() + " is yanked in stage '" + from + "'"
                    + (r.yankReason() == null ? "" : " (" + r.yankReason() + ")")
                    + ": a yanked release is not promoted. Unyank it first if it is fit to ship after all.");
        }
        if (r.files().isEmpty()) {
            throw new ReleaseStateException(name + " " + v.normalized() + " in stage '" + from + "' has no files to promote.");
        }
        return r;
    }

    /** The target has the version: identical bytes make the promotion a no-op, anything else is refused. */
    private static PromotionResult alreadyThere(Release source, Release target, Stage from, Stage to) {
        String what = source.project() + " " + source.version().normalized();
        List<String> differences = differences(source, target, from, to);
        if (!differences.isEmpty()) {
            throw new ReleaseStateException(what + " already exists in stage '" + to + "' with different bytes ("
                    + String.join("; ", differences) + "). Releases are immutable: publish a new version and promote "
                    + "that. Nothing was copied or recorded.");
        }
        return new PromotionResult(from, target, false, null, 0, what + " already is in stage '" + to
                + "' with identical bytes; nothing to do.");
    }

    private static List<String> differences(Release source, Release target, Stage from, Stage to) {
        Map<String, ReleaseFile> a = byName(source);
        Map<String, ReleaseFile> b = byName(target);
        List<String> out = new ArrayList<>();
        for (String filename : new TreeSet<>(union(a, b))) {
            ReleaseFile x = a.get(filename);
            ReleaseFile y = b.get(filename);
            if (x == null) {
                out.add(filename + " only in '" + to + "'");
            } else if (y == null) {
                out.add(filename + " only in '" + from + "'");
            } else if (!x.sha256().equals(y.sha256()) || x.size() != y.size()) {
                out.add(filename + ": sha256 " + x.sha256() + " in '" + from + "', " + y.sha256() + " in '" + to + "'");
            }
        }
        return out;
    }

    private static Map<String, ReleaseFile> byName(Release r) {
        Map<String, ReleaseFile> m = new TreeMap<>();
        r.files().forEach(f -> m.put(f.filename(), f));
        return m;
    }

    private static TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> s = new TreeSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    /** Checks what S3 says about a referenced object (a HEAD: exists, size, sha256 metadata) against the source record. */
    private void verify(String key, String sha256, long size) {
        StoredObject o = packages.head(key).orElseThrow(() -> new StorageException("The object s3://" + packages.bucket() + "/" + key
                + " of the source release is missing; nothing was recorded."));
        if ((size >= 0 && o.size() != size) || !sha256.equals(o.sha256())) {
            throw new StorageException("The object s3://" + packages.bucket() + "/" + key + " did not verify: expected sha256 "
                    + sha256 + (size >= 0 ? " and " + size + " bytes" : "") + " (the source release record), found "
                    + o.size() + " bytes with sha256 metadata " + o.sha256() + ". It was replaced outside pypub; nothing was recorded.");
        }
    }
}
