package io.pypub.core.storage;

import static io.pypub.core.storage.ReleaseItemCodec.*;

import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.release.SlackThread;
import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link VersionTable} on a DynamoDB table with a composite key ({@code pk}, {@code sk}):
 * <ul>
 *   <li>project registry: {@code pk={stage}}, {@code sk={project}}</li>
 *   <li>release: {@code pk={stage}#{project}}, {@code sk=v#{version}}</li>
 *   <li>latest pointer: {@code pk={stage}#{project}}, {@code sk=latest}</li>
 * </ul>
 * Writers use optimistic concurrency: the transaction is conditioned on the {@code latest} it
 * read, and retried when another publisher moved it in between. Every transaction also bumps the
 * project's shard of the {@link StageGeneration}, so readers learn of the change with one small read.
 *
 * <p>The parts, one job each: {@link ReleaseItemCodec} (items and attributes), {@link VersionItems}
 * (reads), {@link ItemConditions} (conditions on what was read), {@link RecordTransaction} (publish,
 * overwrite, import, promote), {@link LifecycleWrites} (rollback, unpin, yank, unyank, prune),
 * {@link ProjectRestore} (restore) and {@link DynamoRetries}; this class holds them together, with the
 * collector's marks and the maintenance scans.
 */
public final class DynamoVersionTable implements VersionTable {
    static final String PK = ReleaseItemCodec.PK;
    static final String SK = ReleaseItemCodec.SK;

    private final DynamoDbClient dynamo;
    private final String table;
    private final VersionItems items;
    private final RecordTransaction records;
    private final LifecycleWrites lifecycle;
    private final ProjectRestore restores;

    public DynamoVersionTable(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.items = new VersionItems(dynamo, table);
        DynamoRetries retries = new DynamoRetries(table);
        this.records = new RecordTransaction(items);
        this.lifecycle = new LifecycleWrites(items, retries);
        this.restores = new ProjectRestore(items, retries);
    }

    public String tableName() {
        return table;
    }

    @Override
    public Optional<Release> release(Stage stage, String project, Version version) {
        return items.getItem(projectPk(stage, project), releaseSk(version)).map(i -> toRelease(stage, i));
    }

    @Override
    public List<Release> releases(Stage stage, String project) {
        return items.releases(stage, project);
    }

    @Override
    public Optional<LatestPointer> latest(Stage stage, String project) {
        return items.latest(stage, project);
    }

    @Override
    public List<ProjectEntry> projects(Stage stage) {
        List<ProjectEntry> out = new ArrayList<>();
        for (var item : items.query(stage.name(), null)) {
            out.add(new ProjectEntry(s(item, SK), s(item, "name"), s(item, "latest"), instant(item, "updated"), s(item, "summary")));
        }
        out.sort(Comparator.comparing(ProjectEntry::name));
        return out;
    }

    @Override
    public RecordOutcome record(Release release, boolean overwrite) {
        return records.record(release, overwrite, null, null, null);
    }

    @Override
    public RecordOutcome recordReplacing(Release release, Release expected) {
        return records.record(release, false, expected, null, null);
    }

    @Override
    public RecordOutcome recordPromotion(Release release, Stage promotedFrom) {
        return records.record(release, false, null, Objects.requireNonNull(promotedFrom, "promotedFrom"), null);
    }

    @Override
    public RecordOutcome recordPromotion(Release release, Release source) {
        return records.record(release, false, null, source.stage(), source);
    }

    /**
     * Writes the first release of many new projects with batch writes instead of a transaction each
     * (seeding a benchmark's table: 10,000 projects in a minute): its release, {@code latest} and registry
     * seedItems as {@link #record} would write them, without its checks, so only for projects not in the
     * table yet. Then moves the generation of every shard written to, so readers see the new projects.
     */
    public void seedNewProjects(List<Release> firstReleases) {
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes = new ArrayList<>();
        Map<String, Release> oneInEachShard = new java.util.LinkedHashMap<>();
        for (Release r : firstReleases) {
            Map<String, AttributeValue> releaseItem = toItem(r);
            releaseItem.put(REVISION, AttributeValue.fromS(UUID.randomUUID().toString()));
            String latestVersion = r.yanked() ? null : r.version().normalized();
            List<Map<String, AttributeValue>> seedItems = new ArrayList<>(List.of(releaseItem, registryItem(r, latestVersion)));
            if (latestVersion != null) {
                seedItems.add(latestItem(r, false, null));
            }
            seedItems.forEach(i -> writes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(i)).build()));
            oneInEachShard.putIfAbsent(r.stage().name() + "#" + StageGeneration.shardOf(r.project()), r);
        }
        try {
            for (int i = 0; i < writes.size(); i += 25) {
                var pending = Map.of(table, writes.subList(i, Math.min(i + 25, writes.size())));
                for (int attempt = 1; !pending.isEmpty(); attempt++) {
                    var request = pending;
                    pending = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
                    if (!pending.isEmpty()) {
                        DynamoRetries.backOff(attempt, "Seeding " + table);
                    }
                }
            }
            for (Release r : oneInEachShard.values()) {
                items.dynamo().transactWriteItems(b -> b.transactItems(StageGeneration.bump(table, r.stage(), r.project())));
            }
        } catch (SdkException e) {
            throw new StorageException("Seeding DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether two reads are the same record (a revision, or for records older than revisions, their publish time and files). */
    public static boolean sameRecord(Release a, Release b) {
        return RecordTransaction.sameRecord(a, b);
    }

    /**
     * The release's Slack thread (the publish message's channel and {@code ts}), kept as {@code slack_channel} and
     * {@code slack_ts} on the release item by an UpdateItem after the post: the release record itself (files,
     * revision) is not rewritten, and a release that is gone meanwhile is left alone.
     */
    public ReleaseThreads releaseThreads() {
        return new ReleaseThreads() {
            @Override
            public void remember(Stage stage, String project, String version, SlackThread thread) {
                try {
                    dynamo.updateItem(b -> b.tableName(table)
                            .key(key(projectPk(stage, project), releaseSk(Version.parse(version))))
                            .updateExpression("SET #c = :c, #t = :t")
                            .conditionExpression("attribute_exists(pk)")
                            .expressionAttributeNames(Map.of("#c", SLACK_CHANNEL, "#t", SLACK_TS))
                            .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(thread.channel()),
                                    ":t", AttributeValue.fromS(thread.ts()))));
                } catch (ConditionalCheckFailedException e) {
                    throw new StorageException(project + " " + version + " is no longer recorded in stage '" + stage + "'", e);
                } catch (SdkException e) {
                    throw new StorageException("Updating DynamoDB table " + table + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public Optional<SlackThread> find(Stage stage, String project, String version) {
                return items.getItem(projectPk(stage, project), releaseSk(Version.parse(version)))
                        .filter(i -> s(i, SLACK_CHANNEL) != null && s(i, SLACK_TS) != null)
                        .map(i -> new SlackThread(s(i, SLACK_CHANNEL), s(i, SLACK_TS)));
            }
        };
    }

    /** One consistent query of the stage's generation items: its cost does not depend on the number of projects. */
    @Override
    public StageGeneration generation(Stage stage) {
        return StageGeneration.of(items.query(StorageLayout.GENERATION_PK, StorageLayout.generationSkPrefix(stage)));
    }

    @Override
    public Optional<Stage> promotedFrom(Stage stage, String project, Version version) {
        return items.getItem(projectPk(stage, project), releaseSk(version)).map(i -> s(i, PROMOTED_FROM)).map(Stage::of);
    }

    // ---- lifecycle (LifecycleWrites) --------------------------------------------------------

    @Override
    public LatestChange pin(Stage stage, String project, Version version, String reason) {
        return lifecycle.pin(stage, project, version, reason);
    }

    @Override
    public LatestChange unpin(Stage stage, String project) {
        return lifecycle.unpin(stage, project);
    }

    @Override
    public LatestChange setYanked(Stage stage, String project, Version version, boolean yanked, String reason) {
        return lifecycle.setYanked(stage, project, version, yanked, reason);
    }

    @Override
    public void deleteRelease(Stage stage, String project, Version version) {
        lifecycle.deleteRelease(stage, project, version);
    }

    /** What {@link #restoreProject} did (or, in a dry run, would do) to a project's {@code latest}. */
    public record RestoredProject(Stage stage, String project, int releases, String latestBefore, boolean pinnedBefore,
            String latestAfter, boolean pinnedAfter) {}

    /** See {@link ProjectRestore#restoreProject}. */
    public RestoredProject restoreProject(Stage stage, String project, List<Map<String, AttributeValue>> releaseItems,
            Map<String, AttributeValue> backupLatest, Map<String, AttributeValue> backupRegistry, boolean dryRun) {
        return restores.restoreProject(stage, project, releaseItems, backupLatest, backupRegistry, dryRun);
    }

    // ---- the collector's marks: pk="#gc", sk="{bucket}/{key}", since = when a sweep first found the object
    // unreferenced. A pk that starts with '#' is no stage and no project, so no other reader sees them.

    static final String GC_PK = "#gc";

    /** Every object a sweep found unreferenced, by "{bucket}/{key}", with when it first did. */
    public Map<String, Instant> collectorMarks() {
        Map<String, Instant> out = new HashMap<>();
        for (var item : items.query(GC_PK, null)) {
            out.put(s(item, SK), instant(item, "since"));
        }
        return out;
    }

    /** Records that a sweep found an object unreferenced at {@code since} (kept if already marked). */
    public void markUnreferenced(String bucketAndKey, Instant since) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(Map.of(PK, AttributeValue.fromS(GC_PK), SK, AttributeValue.fromS(bucketAndKey),
                    "since", AttributeValue.fromS(since.toString()))).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            // marked before: the earlier time counts
        } catch (SdkException e) {
            throw new StorageException("Writing DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Forgets a mark (the object is referenced again, was written again, or is deleted). */
    public void clearMark(String bucketAndKey) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(key(GC_PK, bucketAndKey)));
        } catch (SdkException e) {
            throw new StorageException("Writing DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Parses a release item (of a backup, say) of a stage. */
    public static Release releaseOf(Stage stage, Map<String, AttributeValue> item) {
        return toRelease(stage, item);
    }

    /**
     * Every release record of every stage, for maintenance (the collector, restore): one paginated,
     * consistent scan, never on a hot path.
     */
    public List<Release> allReleases() {
        List<Release> out = new ArrayList<>();
        try {
            dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
                String pk = s(item, PK);
                String sk = s(item, SK);
                int hash = pk == null ? -1 : pk.indexOf('#');
                if (hash > 0 && sk != null && sk.startsWith(RELEASE_SK_PREFIX)) {
                    out.add(toRelease(Stage.of(pk.substring(0, hash)), item));
                }
            });
        } catch (SdkException e) {
            throw new StorageException("Reading DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<Stage> stages() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try {
            dynamo.scanPaginator(b -> b.tableName(table).projectionExpression("pk")).items().forEach(item -> {
                String pk = item.get(PK).s();
                if (!pk.contains("#")) {
                    names.add(pk);
                }
            });
        } catch (SdkException e) {
            throw new StorageException("Reading DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
        return names.stream().map(Stage::of).toList();
    }

    static Map<String, AttributeValue> toItem(Release r) {
        return ReleaseItemCodec.toItem(r);
    }
}
