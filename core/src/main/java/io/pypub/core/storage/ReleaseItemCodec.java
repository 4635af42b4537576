package io.pypub.core.storage;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The version table's items and their attributes (the layout is in docs/ARCHITECTURE.md, "Storage
 * contract"): release items to and from {@link Release}, the {@code latest} pointer and the registry
 * item, their keys, and the attribute helpers they share.
 */
final class ReleaseItemCodec {
    static final String PK = Attributes.PK;
    static final String SK = Attributes.SK;
    static final String LATEST_SK = "latest";
    static final String RELEASE_SK_PREFIX = "v#";
    static final String LEASE_SK_PREFIX = "lease#";
    static final String REVISION = "revision";
    static final String PROMOTED_FROM = "promoted_from";
    static final String PROVENANCE = "provenance";
    static final String PROMOTED_BY = "promoted_by";
    static final String SLACK_CHANNEL = "slack_channel";
    static final String SLACK_TS = "slack_ts";

    private ReleaseItemCodec() {}

    static String projectPk(Stage stage, String project) {
        return stage.name() + "#" + project;
    }

    static String releaseSk(Version version) {
        return RELEASE_SK_PREFIX + version.normalized();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Attributes.key(pk, sk);
    }

    static Release withVersion(Release r, Version v) {
        return new Release(r.stage(), r.project(), r.displayName(), v, r.files(), r.docsPrefix(), r.yanked(), r.yankReason(),
                r.publishedBy(), r.sourceRevision(), r.summary(), r.publishedAt(), r.revision(), r.provenance());
    }

    static Map<String, AttributeValue> toItem(Release r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(projectPk(r.stage(), r.project())));
        item.put(SK, AttributeValue.fromS(releaseSk(r.version())));
        item.put("project", AttributeValue.fromS(r.project()));
        item.put("name", AttributeValue.fromS(r.displayName()));
        item.put("version", AttributeValue.fromS(r.version().normalized()));
        List<AttributeValue> files = new ArrayList<>();
        for (ReleaseFile f : r.files()) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("filename", AttributeValue.fromS(f.filename()));
            m.put("object_key", AttributeValue.fromS(f.objectKey()));
            m.put("sha256", AttributeValue.fromS(f.sha256()));
            m.put("size", AttributeValue.fromN(Long.toString(f.size())));
            putIfPresent(m, "requires_python", f.requiresPython());
            m.put("upload_time", AttributeValue.fromS(f.uploadTime().toString()));
            putIfPresent(m, "metadata_sha256", f.metadataSha256());
            m.put("packagetype", AttributeValue.fromS(f.packageType().id()));
            files.add(AttributeValue.fromM(m));
        }
        item.put("files", AttributeValue.fromL(files));
        putIfPresent(item, "docs_prefix", r.docsPrefix());
        item.put("yanked", AttributeValue.fromBool(r.yanked()));
        putIfPresent(item, "yank_reason", r.yankReason());
        putIfPresent(item, "published_by", r.publishedBy());
        putIfPresent(item, "source_revision", r.sourceRevision());
        putIfPresent(item, "summary", r.summary());
        item.put("published_at", AttributeValue.fromS(r.publishedAt().toString()));
        putIfPresent(item, REVISION, r.revision());
        putProvenance(item, r.provenance());
        return item;
    }

    /**
     * Provenance as two attributes of the release item: {@code provenance}, a map of the build's fields
     * ({@code jenkins_url}, {@code job}, {@code build_number}, {@code build_url}, {@code commit},
     * {@code agent}, {@code plugin_version}), and {@code promoted_by}, a list of maps ({@code from},
     * {@code to}, {@code by}, {@code at}). Absent when empty, so items written before provenance and
     * items without it read the same: {@link Provenance#EMPTY}.
     */
    static void putProvenance(Map<String, AttributeValue> item, Provenance p) {
        if (p == null || p.isEmpty()) {
            return;
        }
        Map<String, AttributeValue> fields = new HashMap<>();
        p.fields().forEach((k, v) -> fields.put(k, AttributeValue.fromS(v)));
        if (!fields.isEmpty()) {
            item.put(PROVENANCE, AttributeValue.fromM(fields));
        }
        if (!p.promotions().isEmpty()) {
            List<AttributeValue> list = new ArrayList<>();
            for (Provenance.Promotion pr : p.promotions()) {
                Map<String, AttributeValue> m = new HashMap<>();
                m.put("from", AttributeValue.fromS(pr.from().name()));
                m.put("to", AttributeValue.fromS(pr.to().name()));
                putIfPresent(m, "by", pr.by());
                if (pr.at() != null) {
                    m.put("at", AttributeValue.fromS(pr.at().toString()));
                }
                list.add(AttributeValue.fromM(m));
            }
            item.put(PROMOTED_BY, AttributeValue.fromL(list));
        }
    }

    static Provenance provenance(Map<String, AttributeValue> item) {
        Map<String, String> fields = new HashMap<>();
        AttributeValue p = item.get(PROVENANCE);
        if (p != null && p.hasM()) {
            p.m().forEach((k, v) -> {
                if (v.s() != null) {
                    fields.put(k, v.s());
                }
            });
        }
        List<Provenance.Promotion> promotions = new ArrayList<>();
        AttributeValue l = item.get(PROMOTED_BY);
        if (l != null && l.hasL()) {
            for (AttributeValue v : l.l()) {
                Map<String, AttributeValue> m = v.m();
                promotions.add(new Provenance.Promotion(Stage.of(s(m, "from")), Stage.of(s(m, "to")), s(m, "by"), instant(m, "at")));
            }
        }
        return Provenance.of(fields, promotions);
    }

    static Release toRelease(Stage stage, Map<String, AttributeValue> item) {
        List<ReleaseFile> files = new ArrayList<>();
        if (item.containsKey("files")) {
            for (AttributeValue v : item.get("files").l()) {
                Map<String, AttributeValue> m = v.m();
                files.add(new ReleaseFile(
                        s(m, "filename"), s(m, "object_key"), s(m, "sha256"), Long.parseLong(m.get("size").n()),
                        s(m, "requires_python"), instant(m, "upload_time"), s(m, "metadata_sha256"),
                        PackageType.fromId(s(m, "packagetype"))));
            }
        }
        return new Release(stage, s(item, "project"), s(item, "name"), Version.parse(s(item, "version")), files,
                s(item, "docs_prefix"), item.containsKey("yanked") && Boolean.TRUE.equals(item.get("yanked").bool()),
                s(item, "yank_reason"), s(item, "published_by"), s(item, "source_revision"), s(item, "summary"),
                instant(item, "published_at"), s(item, REVISION), provenance(item));
    }

    static Map<String, AttributeValue> latestItem(Release newest, boolean pinned, String pinReason) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(projectPk(newest.stage(), newest.project())));
        item.put(SK, AttributeValue.fromS(LATEST_SK));
        item.put("version", AttributeValue.fromS(newest.version().normalized()));
        ReleaseFile primary = newest.primaryFile();
        if (primary != null) {
            item.put("object_key", AttributeValue.fromS(primary.objectKey()));
            item.put("upload_time", AttributeValue.fromS(primary.uploadTime().toString()));
        }
        item.put("pinned", AttributeValue.fromBool(pinned));
        putIfPresent(item, "pin_reason", pinReason);
        return item;
    }

    static LatestPointer toLatest(Map<String, AttributeValue> item) {
        return new LatestPointer(s(item, "version"), s(item, "object_key"), instant(item, "upload_time"),
                item.containsKey("pinned") && Boolean.TRUE.equals(item.get("pinned").bool()), s(item, "pin_reason"));
    }

    static Map<String, AttributeValue> registryItem(Release r, String latestVersion) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(r.stage().name()));
        item.put(SK, AttributeValue.fromS(r.project()));
        item.put("name", AttributeValue.fromS(r.displayName()));
        putIfPresent(item, "latest", latestVersion);
        putIfPresent(item, "summary", r.summary()); // the stage page lists and searches projects from the registry alone
        item.put("updated", AttributeValue.fromS(Instant.now().toString()));
        return item;
    }

    static void putIfPresent(Map<String, AttributeValue> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, AttributeValue.fromS(value));
        }
    }

    static String s(Map<String, AttributeValue> m, String key) {
        return Attributes.string(m, key);
    }

    static Instant instant(Map<String, AttributeValue> m, String key) {
        return Attributes.instant(m, key);
    }
}
