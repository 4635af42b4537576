package io.pypub.core.retention;

import io.pypub.core.progress.PublishLog;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StoredObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Backs a DynamoDB table up to one S3 object (DynamoDB JSON, one item a line) and restores it.
 * Works on any table size with a paginated scan and 25-item batch writes, on AWS and on the
 * embedded servers alike; on AWS, point-in-time recovery is the complement for disasters.
 */
public final class TableBackup {
    private final DynamoDbClient dynamo;
    private final S3Client s3;

    public TableBackup(DynamoDbClient dynamo, S3Client s3) {
        this.dynamo = dynamo;
        this.s3 = s3;
    }

    /** What a backup or restore did. */
    public record Summary(String table, String bucket, String key, int items, String sha256) {}

    public Summary export(String table, String bucket, String key, PublishLog log) {
        StringBuilder out = new StringBuilder();
        int[] count = {0};
        try {
            dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
                if (item.get("pk") != null && StorageLayout.GENERATION_PK.equals(item.get("pk").s())) {
                    return; // the stage generations are the live table's change counters, not data (restore bumps its own)
                }
                out.append(DynamoJson.write(item)).append('\n');
                if (++count[0] % 1000 == 0) {
                    log.info("read " + count[0] + " items from " + table);
                }
            });
            byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
            String sha256 = FileDigest.sha256Hex(body);
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson").metadata(Map.of("sha256", sha256)),
                    RequestBody.fromBytes(body));
            log.info("Backed up " + count[0] + " items of " + table + " to s3://" + bucket + "/" + key);
            return new Summary(table, bucket, key, count[0], sha256);
        } catch (SdkException e) {
            throw new StorageException("Backup of " + table + " to s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    /** What a restore did (or, in a dry run, would do). */
    public record RestoreReport(String table, String bucket, String key, int items, List<String> restored, List<String> skipped,
            List<String> notes, List<DynamoVersionTable.RestoredProject> projects, boolean dryRun) {
        public String message() {
            return (dryRun ? "Dry run: would restore " : "Restored ") + (items - skipped.size()) + " items into " + table + " ("
                    + restored.size() + " releases" + (skipped.isEmpty() ? "" : "; skipped " + skipped.size()
                    + " releases whose objects are gone or differ") + ") from s3://" + bucket + "/" + key + ".";
        }
    }

    /** The release records of a backup (for the collector, which may honour a backup). */
    public List<Release> releases(String bucket, String key) {
        List<Release> out = new ArrayList<>();
        for (var item : read(bucket, key, "")) {
            Kind kind = kind(item);
            if (kind == Kind.RELEASE) {
                out.add(DynamoVersionTable.releaseOf(stageOf(item), item));
            }
        }
        return out;
    }

    /**
     * As {@link #restore(String, String, String, ArtifactStore, ArtifactStore, boolean, PublishLog)} with the
     * objects in the backup's bucket (packages and docs in one bucket).
     */
    public RestoreReport restore(String bucket, String key, String table, PublishLog log) {
        S3ArtifactStore store = new S3ArtifactStore(s3, bucket);
        return restore(bucket, key, table, store, store, false, log);
    }

    /**
     * Restores a backup into {@code table} (which must exist). Every release record of the backup is
     * checked against the objects it references (each file and metadata object exists, with the
     * recorded size and sha256 metadata); a record whose objects are gone or differ is never put back
     * (skipped and reported), one whose docs are gone is put back without docs. Then, per project,
     * {@code latest} and the registry are recomputed from the restored records and those written after
     * the backup (see {@link DynamoVersionTable#restoreProject}). Objects of restored records are
     * refreshed first, so a concurrent collector leaves them alone. Restoring twice gives the same
     * table; a dry run writes nothing and reports the same.
     */
    public RestoreReport restore(String bucket, String key, String table, ArtifactStore packages, ArtifactStore docs,
            boolean dryRun, PublishLog log) {
        // Everything is parsed before the first write, so a damaged backup changes nothing.
        List<Map<String, AttributeValue>> items = read(bucket, key, " Nothing was restored.");
        DynamoVersionTable versions = new DynamoVersionTable(dynamo, table);
        Map<String, List<Map<String, AttributeValue>>> releasesByProject = new TreeMap<>();
        Map<String, Map<String, AttributeValue>> latestByProject = new HashMap<>();
        Map<String, Map<String, AttributeValue>> registryByProject = new HashMap<>();
        List<Map<String, AttributeValue>> others = new ArrayList<>();
        for (var item : items) {
            switch (kind(item)) {
                case RELEASE -> releasesByProject.computeIfAbsent(item.get("pk").s(), k -> new ArrayList<>()).add(item);
                case LATEST -> latestByProject.put(item.get("pk").s(), item);
                case REGISTRY -> registryByProject.put(item.get("pk").s() + "#" + item.get("sk").s(), item);
                case LEASE -> { } // publish leases of old versions and the collector's marks: nothing to restore
                case OTHER -> others.add(item);
            }
        }
        for (String pk : new java.util.TreeSet<>(latestByProject.keySet())) {
            releasesByProject.computeIfAbsent(pk, k -> new ArrayList<>());
        }
        List<String> restored = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<DynamoVersionTable.RestoredProject> projects = new ArrayList<>();
        for (var entry : releasesByProject.entrySet()) {
            String pk = entry.getKey();
            Stage stage = Stage.of(pk.substring(0, pk.indexOf('#')));
            String project = pk.substring(pk.indexOf('#') + 1);
            List<Map<String, AttributeValue>> good = new ArrayList<>();
            List<String> toTouch = new ArrayList<>();
            for (var item : entry.getValue()) {
                Release r = DynamoVersionTable.releaseOf(stage, item);
                String what = stage + "/" + project + " " + r.version();
                String problem = problem(r, packages, toTouch);
                if (problem != null) {
                    skipped.add(what + ": " + problem);
                    log.warn((dryRun ? "would skip " : "skipping ") + what + ": " + problem);
                    continue;
                }
                Map<String, AttributeValue> restoredItem = item;
                if (r.docsPrefix() != null && docs.list(r.docsPrefix()).isEmpty()) {
                    restoredItem = new HashMap<>(item);
                    restoredItem.remove("docs_prefix");
                    notes.add(what + ": its docs (" + r.docsPrefix() + ") are gone; restored without docs");
                    log.warn(what + ": its docs are gone; " + (dryRun ? "would restore" : "restoring") + " it without docs");
                }
                good.add(restoredItem);
                restored.add(what);
            }
            if (!dryRun) {
                for (String objectKey : toTouch) {
                    if (!packages.touch(objectKey)) {
                        throw new StorageException("s3 object " + objectKey + " disappeared during the restore; nothing of "
                                + stage + "/" + project + " was restored. Run the restore again.");
                    }
                }
            }
            Map<String, AttributeValue> backupRegistry = registryByProject.get(stage.name() + "#" + project);
            var outcome = versions.restoreProject(stage, project, good, latestByProject.get(pk), backupRegistry, dryRun);
            projects.add(outcome);
            if (!java.util.Objects.equals(outcome.latestBefore(), outcome.latestAfter()) || outcome.pinnedBefore() != outcome.pinnedAfter()) {
                notes.add(stage + "/" + project + ": latest " + (dryRun ? "would go" : "went") + " from "
                        + describe(outcome.latestBefore(), outcome.pinnedBefore()) + " to " + describe(outcome.latestAfter(), outcome.pinnedAfter()));
            }
        }
        if (!dryRun && !others.isEmpty()) {
            for (int i = 0; i < others.size(); i += 25) {
                List<WriteRequest> batch = others.subList(i, Math.min(i + 25, others.size())).stream()
                        .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                        .toList();
                writeBatch(table, batch);
            }
        }
        RestoreReport report = new RestoreReport(table, bucket, key, items.size(), restored, skipped, notes, projects, dryRun);
        notes.forEach(log::info);
        log.info(report.message());
        return report;
    }

    private static String describe(String version, boolean pinned) {
        return version == null ? "none" : version + (pinned ? " (pinned)" : "");
    }

    /** Why a release cannot be restored (an object missing or with other bytes), or null; collects the keys to refresh. */
    private static String problem(Release r, ArtifactStore packages, List<String> toTouch) {
        if (r.files().isEmpty()) {
            return "it has no files";
        }
        List<String> keys = new ArrayList<>();
        for (ReleaseFile f : r.files()) {
            String p = check(packages, f.objectKey(), f.size(), f.sha256(), f.filename());
            if (p != null) {
                return p;
            }
            keys.add(f.objectKey());
            String metadata = StorageLayout.metadataKey(f);
            if (metadata != null) {
                p = check(packages, metadata, -1, f.metadataSha256(), f.filename() + ".metadata");
                if (p != null) {
                    return p;
                }
                keys.add(metadata);
            }
        }
        toTouch.addAll(keys);
        return null;
    }

    private static String check(ArtifactStore packages, String key, long size, String sha256, String what) {
        StoredObject o = packages.head(key).orElse(null);
        if (o == null) {
            return what + " is gone (s3 object " + key + ")";
        }
        if (size >= 0 && o.size() != size) {
            return what + " has other bytes now (" + o.size() + " bytes, the record says " + size + ")";
        }
        if (!java.util.Objects.equals(sha256, o.sha256())) {
            return what + " has other bytes now (sha256 " + o.sha256() + ", the record says " + sha256 + ")";
        }
        return null;
    }

    private enum Kind { RELEASE, LATEST, REGISTRY, LEASE, OTHER }

    private static Kind kind(Map<String, AttributeValue> item) {
        AttributeValue pkv = item.get("pk");
        AttributeValue skv = item.get("sk");
        if (pkv == null || skv == null || pkv.s() == null || skv.s() == null) {
            return Kind.OTHER;
        }
        String pk = pkv.s();
        String sk = skv.s();
        if (pk.startsWith("#")) {
            return Kind.LEASE; // the collector's marks (#gc): state of a sweep, not of the releases; never restored
        }
        int hash = pk.indexOf('#');
        if (hash < 0) {
            return isStage(pk) ? Kind.REGISTRY : Kind.OTHER;
        }
        if (!isStage(pk.substring(0, hash))) {
            return Kind.OTHER;
        }
        if (sk.startsWith("v#")) {
            return Kind.RELEASE;
        }
        if (sk.equals("latest")) {
            return Kind.LATEST;
        }
        return sk.startsWith("lease#") ? Kind.LEASE : Kind.OTHER;
    }

    private static boolean isStage(String name) {
        try {
            Stage.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Stage stageOf(Map<String, AttributeValue> item) {
        String pk = item.get("pk").s();
        return Stage.of(pk.substring(0, pk.indexOf('#')));
    }

    private List<Map<String, AttributeValue>> read(String bucket, String key, String consequence) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        try (var in = s3.getObject(b -> b.bucket(bucket).key(key));
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    items.add(DynamoJson.read(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("s3://" + bucket + "/" + key + " line " + lineNo + ": " + e.getMessage()
                            + "." + consequence, e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            throw new IllegalArgumentException("There is no backup s3://" + bucket + "/" + key + "." + consequence, e);
        } catch (SdkException e) {
            throw new StorageException("Reading backup s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
        return items;
    }

    private void writeBatch(String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 0; !pending.isEmpty() && !pending.getOrDefault(table, List.of()).isEmpty(); attempt++) {
            if (attempt > 8) {
                throw new StorageException("DynamoDB kept throttling the restore into " + table + "; run it again (it is idempotent)");
            }
            Map<String, List<WriteRequest>> request = pending;
            var response = dynamo.batchWriteItem(b -> b.requestItems(request));
            pending = response.unprocessedItems();
            if (!pending.isEmpty()) {
                try {
                    Thread.sleep(50L << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("Interrupted during restore");
                }
            }
        }
    }
}
