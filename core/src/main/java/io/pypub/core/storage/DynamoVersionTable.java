package io.pypub.core.storage;

import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.release.SlackThread;
import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.LatestRule;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

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
 */
public final class DynamoVersionTable implements VersionTable {
    static final String PK = "pk";
    static final String SK = "sk";
    private static final String LATEST_SK = "latest";
    private static final String RELEASE_SK_PREFIX = "v#";
    static final String LEASE_SK_PREFIX = "lease#";
    static final String REVISION = "revision";
    private static final String PROMOTED_FROM = "promoted_from";
    private static final String PROVENANCE = "provenance";
    private static final String PROMOTED_BY = "promoted_by";
    private static final String SLACK_CHANNEL = "slack_channel";
    private static final String SLACK_TS = "slack_ts";
    private static final int MAX_ATTEMPTS = 8;
    /** Publishes of different versions of one project contend on its registry item: more room than lifecycle changes. */
    private static final int MAX_RECORD_ATTEMPTS = 16;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoVersionTable(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public String tableName() {
        return table;
    }

    static String projectPk(Stage stage, String project) {
        return stage.name() + "#" + project;
    }

    static String releaseSk(Version version) {
        return RELEASE_SK_PREFIX + version.normalized();
    }

    @Override
    public Optional<Release> release(Stage stage, String project, Version version) {
        var item = getItem(projectPk(stage, project), releaseSk(version));
        return item.map(i -> toRelease(stage, i));
    }

    @Override
    public List<Release> releases(Stage stage, String project) {
        List<Release> out = new ArrayList<>();
        for (var item : query(projectPk(stage, project), RELEASE_SK_PREFIX)) {
            out.add(toRelease(stage, item));
        }
        return out;
    }

    @Override
    public Optional<LatestPointer> latest(Stage stage, String project) {
        return getItem(projectPk(stage, project), LATEST_SK).map(DynamoVersionTable::toLatest);
    }

    @Override
    public List<ProjectEntry> projects(Stage stage) {
        List<ProjectEntry> out = new ArrayList<>();
        for (var item : query(stage.name(), null)) {
            out.add(new ProjectEntry(s(item, SK), s(item, "name"), s(item, "latest"), instant(item, "updated"), s(item, "summary")));
        }
        out.sort(Comparator.comparing(ProjectEntry::name));
        return out;
    }

    @Override
    public RecordOutcome record(Release release, boolean overwrite) {
        return record(release, overwrite, null, null, null);
    }

    @Override
    public RecordOutcome recordReplacing(Release release, Release expected) {
        return record(release, false, expected, null, null);
    }

    @Override
    public RecordOutcome recordPromotion(Release release, Stage promotedFrom) {
        return record(release, false, null, Objects.requireNonNull(promotedFrom, "promotedFrom"), null);
    }

    @Override
    public RecordOutcome recordPromotion(Release release, Release source) {
        return record(release, false, null, source.stage(), source);
    }

    /**
     * The one record transaction of publish, overwrite, import and promote. Reads the project (registry
     * revision, latest, releases), decides, and writes the release item, {@code latest} and the registry
     * item in one transaction conditioned on everything it read:
     * <ul>
     *   <li>the release item: absent, or (replacing) exactly the record read, by its revision;</li>
     *   <li>the registry item's {@code updated} (the project's revision) as read, so any concurrent change
     *       to the project (another version, a yank, a pin, a delete) forces a fresh read;</li>
     *   <li>{@code latest} as read; for a promotion, the source record still as read and not yanked.</li>
     * </ul>
     * A cancelled transaction is retried from a fresh read, which then decides again: the loser of a race
     * for the same version fails there, having written nothing.
     *
     * @param replaceAny replace whatever record the version has when recording (tools and tests)
     * @param expected the record to replace (an overwrite), or null when the version must be absent
     */
    private RecordOutcome record(Release release, boolean replaceAny, Release expected, Stage promotedFrom, Release promotionSource) {
        for (int attempt = 1; ; attempt++) {
            Optional<Map<String, AttributeValue>> registry = getItem(release.stage().name(), release.project());
            Optional<LatestPointer> current = latest(release.stage(), release.project());
            List<Release> existing = releases(release.stage(), release.project());
            // PEP 440 equality: 1.2 is already published when 1.2.0 is.
            Optional<Release> same = existing.stream().filter(r -> r.version().equals(release.version())).findFirst();
            if (!replaceAny) {
                if (expected == null && same.isPresent()) {
                    throw alreadyPublished(release);
                }
                if (expected != null && (same.isEmpty() || !sameRecord(same.get(), expected))) {
                    throw new PublishConflictException(release.project() + " " + release.version() + " in stage '" + release.stage()
                            + "' was " + (same.isEmpty() ? "removed" : "replaced by another publish") + " after this "
                            + "overwrite read it; nothing was recorded (its uploads stay unreferenced). Look at what is "
                            + "there now, then overwrite again if you still mean to.");
                }
            }
            // An overwrite keeps the version as recorded (the key), so 1.2 replaces 1.2.0 instead of adding 1.2.
            Release toWrite = same.map(r -> withVersion(release, r.version())).orElse(release);
            boolean pinned = current.map(LatestPointer::pinned).orElse(false);
            // latest = the highest version that is not yanked (the new release replaces its namesake).
            Release newest = toWrite.yanked() ? null : toWrite;
            for (Release r : existing) {
                if (!r.yanked() && !r.version().equals(toWrite.version())) {
                    newest = higher(newest, r);
                }
            }
            String latestVersion = pinned ? current.get().version() : (newest == null ? null : newest.version().normalized());

            List<TransactWriteItem> writes = new ArrayList<>();
            Map<String, AttributeValue> releaseItem = toItem(toWrite);
            releaseItem.put(REVISION, AttributeValue.fromS(UUID.randomUUID().toString()));
            if (promotedFrom != null) {
                releaseItem.put(PROMOTED_FROM, AttributeValue.fromS(promotedFrom.name()));
            }
            Put.Builder putRelease = Put.builder().tableName(table).item(releaseItem);
            if (same.isEmpty()) {
                putRelease.conditionExpression("attribute_not_exists(pk)");
            } else {
                Map<String, String> names = new HashMap<>();
                Map<String, AttributeValue> values = new HashMap<>();
                putRelease.conditionExpression(recordAsRead(same.get(), names, values))
                        .expressionAttributeNames(names).expressionAttributeValues(values);
            }
            writes.add(TransactWriteItem.builder().put(putRelease.build()).build());

            String newestVersion = newest == null ? null : newest.version().normalized();
            boolean moves = !pinned && newest != null
                    && !current.map(c -> c.version().equals(newestVersion)).orElse(false);
            if (!pinned && newest != null) {
                Put.Builder putLatest = Put.builder().tableName(table).item(latestItem(newest, false, null));
                // Only move latest from the state we read: a concurrent publish forces a re-read.
                if (current.isPresent()) {
                    putLatest.conditionExpression("#v = :v AND (attribute_not_exists(pinned) OR pinned = :f)")
                            .expressionAttributeNames(Map.of("#v", "version"))
                            .expressionAttributeValues(Map.of(
                                    ":v", AttributeValue.fromS(current.get().version()),
                                    ":f", AttributeValue.fromBool(false)));
                } else {
                    putLatest.conditionExpression("attribute_not_exists(pk)");
                }
                writes.add(TransactWriteItem.builder().put(putLatest.build()).build());
            } else if (pinned && current.get().version().equals(toWrite.version().normalized())) {
                // Overwriting (or extending) the pinned version: the pin stays, and its object_key follows the new
                // record, or it would name an object that nothing references any more.
                writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(latestItem(toWrite, true, current.get().pinReason()))
                        .conditionExpression("#v = :v AND #pin = :t")
                        .expressionAttributeNames(Map.of("#v", "version", "#pin", "pinned"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(current.get().version()),
                                ":t", AttributeValue.fromBool(true)))
                        .build()).build());
            } else if (pinned) {
                // Leaving a pin in place is only right if it is still there: an unpin or another
                // rollback in between must force a re-read, or the registry would get a stale latest.
                writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                        .key(key(projectPk(release.stage(), release.project()), LATEST_SK))
                        .conditionExpression("#v = :v AND #pin = :t")
                        .expressionAttributeNames(Map.of("#v", "version", "#pin", "pinned"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(current.get().version()),
                                ":t", AttributeValue.fromBool(true)))
                        .build()).build());
            }
            // The project's revision as read: nothing else in the project changed since (see the class comment).
            Put.Builder putRegistry = Put.builder().tableName(table).item(registryItem(toWrite, latestVersion));
            String readUpdated = registry.map(r -> s(r, "updated")).orElse(null);
            if (registry.isEmpty()) {
                putRegistry.conditionExpression("attribute_not_exists(pk)");
            } else if (readUpdated == null) {
                putRegistry.conditionExpression("attribute_exists(pk) AND attribute_not_exists(#upd)")
                        .expressionAttributeNames(Map.of("#upd", "updated"));
            } else {
                putRegistry.conditionExpression("#upd = :u").expressionAttributeNames(Map.of("#upd", "updated"))
                        .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(readUpdated)));
            }
            writes.add(TransactWriteItem.builder().put(putRegistry.build()).build());
            int sourceCheck = -1;
            if (promotionSource != null) {
                // The promoted objects are the source record's: it must still be there, as read and not yanked.
                Map<String, String> names = new HashMap<>();
                Map<String, AttributeValue> values = new HashMap<>();
                String asRead = recordAsRead(promotionSource, names, values);
                names.put("#yk", "yanked");
                values.put(":nf", AttributeValue.fromBool(false));
                sourceCheck = writes.size();
                writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                        .key(key(projectPk(promotionSource.stage(), promotionSource.project()), releaseSk(promotionSource.version())))
                        .conditionExpression(asRead + " AND (attribute_not_exists(#yk) OR #yk = :nf)")
                        .expressionAttributeNames(names).expressionAttributeValues(values).build()).build());
            }

            writes.add(StageGeneration.bump(table, release.stage(), release.project()));
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                return new RecordOutcome(latestVersion, moves, pinned, pinned ? current.get().pinReason() : null);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (sourceCheck >= 0 && reasons.size() > sourceCheck && "ConditionalCheckFailed".equals(reasons.get(sourceCheck).code())) {
                    throw new ReleaseStateException(promotionSource.project() + " " + promotionSource.version() + " changed in stage '"
                            + promotionSource.stage() + "' (replaced, yanked or deleted) while it was promoted; nothing was recorded.");
                }
                if (attempt >= MAX_RECORD_ATTEMPTS) {
                    throw new StorageException("Recording " + release.project() + " " + release.version()
                            + " in " + table + " failed after " + attempt + " attempts: the transaction was cancelled ("
                            + reasons.stream().map(CancellationReason::code).toList() + ")", e);
                }
                // Something changed since the read: read again and decide again (the loser of a race fails there).
                backOff(attempt, "Recording " + release.project() + " " + release.version());
            } catch (SdkException e) {
                throw new StorageException("Recording " + release.project() + " " + release.version()
                        + " in DynamoDB table " + table + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Writes the first release of many new projects with batch writes instead of a transaction each
     * (seeding a benchmark's table: 10,000 projects in a minute): its release, {@code latest} and registry
     * items as {@link #record} would write them, without its checks, so only for projects not in the
     * table yet. Then moves the generation of every shard written to, so readers see the new projects.
     */
    public void seedNewProjects(List<Release> firstReleases) {
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes = new ArrayList<>();
        Map<String, Release> oneInEachShard = new java.util.LinkedHashMap<>();
        for (Release r : firstReleases) {
            Map<String, AttributeValue> releaseItem = toItem(r);
            releaseItem.put(REVISION, AttributeValue.fromS(UUID.randomUUID().toString()));
            String latestVersion = r.yanked() ? null : r.version().normalized();
            List<Map<String, AttributeValue>> items = new ArrayList<>(List.of(releaseItem, registryItem(r, latestVersion)));
            if (latestVersion != null) {
                items.add(latestItem(r, false, null));
            }
            items.forEach(i -> writes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
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
                        backOff(attempt, "Seeding " + table);
                    }
                }
            }
            for (Release r : oneInEachShard.values()) {
                dynamo.transactWriteItems(b -> b.transactItems(StageGeneration.bump(table, r.stage(), r.project())));
            }
        } catch (SdkException e) {
            throw new StorageException("Seeding DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether two reads are the same record (a revision, or for records older than revisions, their publish time and files). */
    public static boolean sameRecord(Release a, Release b) {
        if (a.revision() != null || b.revision() != null) {
            return Objects.equals(a.revision(), b.revision());
        }
        return Objects.equals(a.publishedAt(), b.publishedAt()) && a.files().equals(b.files());
    }

    /** A condition that holds while a release item is still the record read. */
    private static String recordAsRead(Release read, Map<String, String> names, Map<String, AttributeValue> values) {
        names.put("#rev", REVISION);
        if (read.revision() != null) {
            values.put(":rev", AttributeValue.fromS(read.revision()));
            return "#rev = :rev";
        }
        names.put("#pat", "published_at");
        values.put(":pat", AttributeValue.fromS(read.publishedAt().toString()));
        return "attribute_exists(pk) AND attribute_not_exists(#rev) AND #pat = :pat";
    }

    private static Release withVersion(Release r, Version v) {
        return new Release(r.stage(), r.project(), r.displayName(), v, r.files(), r.docsPrefix(), r.yanked(), r.yankReason(),
                r.publishedBy(), r.sourceRevision(), r.summary(), r.publishedAt(), r.revision(), r.provenance());
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
                return getItem(projectPk(stage, project), releaseSk(Version.parse(version)))
                        .filter(i -> s(i, SLACK_CHANNEL) != null && s(i, SLACK_TS) != null)
                        .map(i -> new SlackThread(s(i, SLACK_CHANNEL), s(i, SLACK_TS)));
            }
        };
    }

    /** One consistent query of the stage's generation items: its cost does not depend on the number of projects. */
    @Override
    public StageGeneration generation(Stage stage) {
        return StageGeneration.of(query(StorageLayout.GENERATION_PK, StorageLayout.generationSkPrefix(stage)));
    }

    @Override
    public Optional<Stage> promotedFrom(Stage stage, String project, Version version) {
        return getItem(projectPk(stage, project), releaseSk(version)).map(i -> s(i, PROMOTED_FROM)).map(Stage::of);
    }

    // ---- lifecycle ------------------------------------------------------------------------
    // Every writer of a project rewrites its registry item's `updated`, so it serves as the
    // project's revision: lifecycle transactions are conditioned on the `updated` they read (and
    // on the latest they read), and retried from a fresh read when anything changed in between.

    @Override
    public LatestChange pin(Stage stage, String project, Version version, String reason) {
        return withRetries("Pinning latest of " + project + " in stage '" + stage + "'",
                () -> pinOnce(stage, project, version, reason));
    }

    private LatestChange pinOnce(Stage stage, String project, Version version, String reason) {
        ProjectState state = readState(stage, project);
        Release target = state.release(version);
        version = target.version(); // as recorded: 1.2 finds 1.2.0 (PEP 440 equality), keys use the recorded form
        if (target.yanked()) {
            throw new ReleaseStateException(project + " " + version.normalized() + " is yanked in stage '" + stage + "'"
                    + because(target.yankReason()) + ": unyank it first, or roll back to another version.");
        }
        String pinReason = blankToNull(reason);
        LatestChange change = new LatestChange(true, state.latestVersion(), state.pinned(), version.normalized(), true);
        if (state.pinned() && version.normalized().equals(state.latestVersion())
                && Objects.equals(pinReason, state.latest().get().pinReason())) {
            return unchanged(state);
        }
        commit(state, null, target, true, pinReason, true);
        return change;
    }

    @Override
    public LatestChange unpin(Stage stage, String project) {
        return withRetries("Unpinning latest of " + project + " in stage '" + stage + "'", () -> {
            ProjectState state = readState(stage, project);
            if (!state.pinned()) {
                return unchanged(state);
            }
            Release newest = highestNotYanked(state.releases());
            commit(state, null, newest, false, null, true);
            return new LatestChange(true, state.latestVersion(), true, versionOf(newest), false);
        });
    }

    @Override
    public LatestChange setYanked(Stage stage, String project, Version version, boolean yanked, String reason) {
        String what = (yanked ? "Yanking " : "Unyanking ") + project + " " + version.normalized() + " in stage '" + stage + "'";
        return withRetries(what, () -> setYankedOnce(stage, project, version, yanked, reason));
    }

    private LatestChange setYankedOnce(Stage stage, String project, Version version, boolean yanked, String reason) {
        ProjectState state = readState(stage, project);
        Release target = state.release(version);
        version = target.version(); // as recorded: 1.2 finds 1.2.0 (PEP 440 equality), keys use the recorded form
        String yankReason = yanked ? blankToNull(reason) : null;
        if (target.yanked() == yanked && Objects.equals(blankToNull(target.yankReason()), yankReason)) {
            return unchanged(state);
        }
        if (yanked && state.pinned() && version.normalized().equals(state.latestVersion())) {
            throw new ReleaseStateException(project + " " + version.normalized() + " is the pinned latest in stage '"
                    + stage + "'" + because(state.latest().get().pinReason()) + ". Roll back to another version "
                    + "(or unpin) first, then yank it.");
        }
        List<Release> after = new ArrayList<>();
        for (Release r : state.releases()) {
            after.add(r.version().equals(version) ? withYank(r, yanked, yankReason) : r);
        }
        Release newest = state.pinned() ? null : highestNotYanked(after);
        boolean latestMoves = !state.pinned() && !Objects.equals(state.latestVersion(), versionOf(newest));

        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":y", AttributeValue.fromBool(yanked));
        String expression = "SET #yk = :y";
        if (yankReason != null) {
            expression += ", #yr = :r";
            values.put(":r", AttributeValue.fromS(yankReason));
        } else {
            expression += " REMOVE #yr";
        }
        TransactWriteItem updateRelease = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(projectPk(stage, project), releaseSk(version)))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#yk", "yanked", "#yr", "yank_reason"))
                .expressionAttributeValues(values)
                .build()).build();
        commit(state, updateRelease, newest, false, null, latestMoves);
        return latestMoves
                ? new LatestChange(true, state.latestVersion(), false, versionOf(newest), false)
                : new LatestChange(true, state.latestVersion(), state.pinned(), state.latestVersion(), state.pinned());
    }

    @Override
    public void deleteRelease(Stage stage, String project, Version version) {
        withRetries("Deleting " + project + " " + version.normalized() + " in stage '" + stage + "'", () -> {
            ProjectState state = readState(stage, project);
            Release target = state.release(version);
            if (target.version().normalized().equals(state.latestVersion())) {
                throw new ReleaseStateException(project + " " + target.version() + " is latest in stage '" + stage
                        + "' and cannot be deleted.");
            }
            TransactWriteItem delete = TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(projectPk(stage, project), releaseSk(target.version())))
                    .conditionExpression("attribute_exists(pk)").build()).build();
            commit(state, delete, null, false, null, false);
            return null;
        });
    }

    /** What {@link #restoreProject} did (or, in a dry run, would do) to a project's {@code latest}. */
    public record RestoredProject(Stage stage, String project, int releases, String latestBefore, boolean pinnedBefore,
            String latestAfter, boolean pinnedAfter) {}

    /**
     * Puts release items from a backup back into a project (verbatim, replacing records of the same
     * version) and recomputes {@code latest} and the registry item from the releases that exist
     * afterwards: the restored ones and those written after the backup. A pin survives if its version
     * is there and not yanked (the backup's pin first, else the current one); otherwise {@code latest}
     * is the highest version that is not yanked. Each transaction (up to 90 releases) is conditioned
     * on the project's revision as read, and retried from a fresh read if a writer got in between.
     * When the project is empty in the table and the result is the backup's own state, the backup's
     * latest and registry items are written verbatim, so a restore into an empty table is exact.
     */
    public RestoredProject restoreProject(Stage stage, String project, List<Map<String, AttributeValue>> releaseItems,
            Map<String, AttributeValue> backupLatest, Map<String, AttributeValue> backupRegistry, boolean dryRun) {
        String pk = projectPk(stage, project);
        List<List<Map<String, AttributeValue>>> chunks = new ArrayList<>();
        for (int i = 0; i < releaseItems.size(); i += 90) {
            chunks.add(releaseItems.subList(i, Math.min(i + 90, releaseItems.size())));
        }
        if (chunks.isEmpty()) {
            chunks.add(List.of());
        }
        RestoredProject result = null;
        String firstLatest = null;
        boolean firstPinned = false;
        for (int c = 0; c < chunks.size(); c++) {
            List<Map<String, AttributeValue>> chunk = chunks.get(c);
            if (dryRun) {
                // A dry run writes nothing: compute the end state from all the backup's releases at once.
                chunk = releaseItems;
            }
            final List<Map<String, AttributeValue>> items = chunk;
            RestoredProject step = withRetries("Restoring " + project + " in stage '" + stage + "'", () -> {
                Optional<Map<String, AttributeValue>> registry = getItem(stage.name(), project);
                Optional<LatestPointer> current = latest(stage, project);
                List<Release> existing = releases(stage, project);
                Map<String, Release> merged = new java.util.TreeMap<>();
                existing.forEach(r -> merged.put(r.version().normalized(), r));
                for (var item : items) {
                    Release r = toRelease(stage, item);
                    merged.put(r.version().normalized(), r);
                }
                List<Release> after = new ArrayList<>(merged.values());
                LatestPointer backupPointer = backupLatest == null ? null : toLatest(backupLatest);
                Release pinnedTo = null;
                String pinReason = null;
                for (LatestPointer pin : new LatestPointer[] {backupPointer, current.orElse(null)}) {
                    if (pinnedTo == null && pin != null && pin.pinned()) {
                        Release candidate = merged.get(Version.isValid(pin.version()) ? Version.parse(pin.version()).normalized() : "");
                        if (candidate != null && !candidate.yanked()) {
                            pinnedTo = candidate;
                            pinReason = pin.pinReason();
                        }
                    }
                }
                Release newLatest = pinnedTo != null ? pinnedTo : highestNotYanked(after);
                boolean pinnedAfter = pinnedTo != null;
                RestoredProject outcome = new RestoredProject(stage, project, items.size(), current.map(LatestPointer::version).orElse(null),
                        current.map(LatestPointer::pinned).orElse(false), versionOf(newLatest), pinnedAfter);
                if (dryRun) {
                    return outcome;
                }
                boolean sameReleases = items.stream().allMatch(item -> {
                    Release r = toRelease(stage, item);
                    return existing.stream().anyMatch(r::equals);
                });
                boolean sameLatest = Objects.equals(outcome.latestBefore(), outcome.latestAfter())
                        && outcome.pinnedBefore() == outcome.pinnedAfter()
                        && Objects.equals(registry.map(r -> s(r, "latest")).orElse(null), versionOf(newLatest));
                if (registry.isPresent() && sameReleases && sameLatest) {
                    return outcome; // already as the backup has it: restoring again writes nothing
                }
                boolean emptyBefore = registry.isEmpty() && current.isEmpty() && existing.isEmpty();
                boolean verbatim = emptyBefore && chunks.size() == 1 && backupLatest != null && backupRegistry != null
                        && backupPointer != null && Objects.equals(backupPointer.version(), versionOf(newLatest))
                        && backupPointer.pinned() == pinnedAfter
                        && Objects.equals(s(backupRegistry, "latest"), versionOf(newLatest));
                List<TransactWriteItem> writes = new ArrayList<>();
                for (var item : items) {
                    writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build());
                }
                Map<String, String> names = new HashMap<>();
                Map<String, AttributeValue> values = new HashMap<>();
                String latestCondition = latestAsRead(current, names, values);
                if (newLatest != null) {
                    Map<String, AttributeValue> latestItem = verbatim ? backupLatest : latestItem(newLatest, pinnedAfter, pinReason);
                    writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(latestItem)
                            .conditionExpression(latestCondition).expressionAttributeNames(names.isEmpty() ? null : names)
                            .expressionAttributeValues(values.isEmpty() ? null : values).build()).build());
                } else if (current.isPresent()) {
                    writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(pk, LATEST_SK))
                            .conditionExpression(latestCondition).expressionAttributeNames(names.isEmpty() ? null : names)
                            .expressionAttributeValues(values.isEmpty() ? null : values).build()).build());
                }
                Map<String, AttributeValue> registryItem;
                if (verbatim) {
                    registryItem = backupRegistry;
                } else {
                    registryItem = new HashMap<>();
                    registryItem.put(PK, AttributeValue.fromS(stage.name()));
                    registryItem.put(SK, AttributeValue.fromS(project));
                    String name = registry.map(r -> s(r, "name")).orElse(backupRegistry == null ? null : s(backupRegistry, "name"));
                    if (name == null) {
                        name = after.isEmpty() ? project : after.get(after.size() - 1).displayName();
                    }
                    registryItem.put("name", AttributeValue.fromS(name));
                    putIfPresent(registryItem, "latest", versionOf(newLatest));
                    registryItem.put("updated", AttributeValue.fromS(Instant.now().toString()));
                }
                Put.Builder putRegistry = Put.builder().tableName(table).item(registryItem);
                String readUpdated = registry.map(r -> s(r, "updated")).orElse(null);
                if (registry.isEmpty()) {
                    putRegistry.conditionExpression("attribute_not_exists(pk)");
                } else if (readUpdated == null) {
                    putRegistry.conditionExpression("attribute_exists(pk) AND attribute_not_exists(#upd)")
                            .expressionAttributeNames(Map.of("#upd", "updated"));
                } else {
                    putRegistry.conditionExpression("#upd = :u").expressionAttributeNames(Map.of("#upd", "updated"))
                            .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(readUpdated)));
                }
                writes.add(TransactWriteItem.builder().put(putRegistry.build()).build());
                writes.add(StageGeneration.bump(table, stage, project));
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                return outcome;
            });
            if (c == 0) {
                firstLatest = step.latestBefore();
                firstPinned = step.pinnedBefore();
            }
            result = new RestoredProject(stage, project, releaseItems.size(), firstLatest, firstPinned, step.latestAfter(), step.pinnedAfter());
            if (dryRun) {
                break;
            }
        }
        return result;
    }

    // ---- the collector's marks: pk="#gc", sk="{bucket}/{key}", since = when a sweep first found the object
    // unreferenced. A pk that starts with '#' is no stage and no project, so no other reader sees them.

    static final String GC_PK = "#gc";

    /** Every object a sweep found unreferenced, by "{bucket}/{key}", with when it first did. */
    public Map<String, Instant> collectorMarks() {
        Map<String, Instant> out = new HashMap<>();
        for (var item : query(GC_PK, null)) {
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

    /** One read of a project: its registry revision ({@code updated}), {@code latest} and releases. */
    private record ProjectState(Stage stage, String project, String updated, Optional<LatestPointer> latest, List<Release> releases) {
        boolean pinned() {
            return latest.map(LatestPointer::pinned).orElse(false);
        }

        String latestVersion() {
            return latest.map(LatestPointer::version).orElse(null);
        }

        Release release(Version version) {
            return releases.stream().filter(r -> r.version().equals(version)).findFirst().orElseThrow(() ->
                    new ReleaseStateException(project + " " + version.normalized() + " is not published in stage '" + stage
                            + "' (published there: " + String.join(", ", releases.stream().map(Release::version)
                                    .sorted().map(Version::normalized).toList()) + ")."));
        }
    }

    private ProjectState readState(Stage stage, String project) {
        Map<String, AttributeValue> registry = getItem(stage.name(), project).orElseThrow(() -> new ReleaseStateException(
                "There is no project '" + project + "' in stage '" + stage + "': check the name and the stage."));
        return new ProjectState(stage, project, s(registry, "updated"), latest(stage, project), releases(stage, project));
    }

    private static LatestChange unchanged(ProjectState state) {
        return new LatestChange(false, state.latestVersion(), state.pinned(), state.latestVersion(), state.pinned());
    }

    /**
     * Writes a lifecycle change in one transaction: the release update (if any), the new
     * {@code latest} (when {@code latestMoves}; null removes it) and the registry item, all
     * conditioned on the state read.
     */
    private void commit(ProjectState state, TransactWriteItem releaseUpdate, Release newLatest, boolean pin, String pinReason,
            boolean latestMoves) {
        String pk = projectPk(state.stage(), state.project());
        List<TransactWriteItem> writes = new ArrayList<>();
        if (releaseUpdate != null) {
            writes.add(releaseUpdate);
        }
        if (latestMoves) {
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>();
            String readLatest = latestAsRead(state.latest(), names, values);
            if (newLatest != null) {
                writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(latestItem(newLatest, pin, pinReason))
                        .conditionExpression(readLatest).expressionAttributeNames(names.isEmpty() ? null : names)
                        .expressionAttributeValues(values.isEmpty() ? null : values).build()).build());
                boolean updatedHere = releaseUpdate != null
                        && releaseUpdate.update().key().get(SK).s().equals(releaseSk(newLatest.version()));
                if (!updatedHere) {
                    // latest may only point at a release that is still there and not yanked.
                    writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                            .key(key(pk, releaseSk(newLatest.version())))
                            .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#yk) OR #yk = :f)")
                            .expressionAttributeNames(Map.of("#yk", "yanked"))
                            .expressionAttributeValues(Map.of(":f", AttributeValue.fromBool(false))).build()).build());
                }
            } else if (state.latest().isPresent()) {
                writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(pk, LATEST_SK))
                        .conditionExpression(readLatest).expressionAttributeNames(names.isEmpty() ? null : names)
                        .expressionAttributeValues(values.isEmpty() ? null : values).build()).build());
            }
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#upd", "updated");
        values.put(":now", AttributeValue.fromS(Instant.now().toString()));
        String expression = "SET #upd = :now";
        if (latestMoves) {
            names.put("#lat", "latest");
            if (newLatest != null) {
                expression += ", #lat = :l";
                values.put(":l", AttributeValue.fromS(newLatest.version().normalized()));
            } else {
                expression += " REMOVE #lat";
            }
        }
        String condition;
        if (state.updated() != null) {
            condition = "#upd = :u";
            values.put(":u", AttributeValue.fromS(state.updated()));
        } else {
            condition = "attribute_exists(pk) AND attribute_not_exists(#upd)";
        }
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(state.stage().name(), state.project()))
                .updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build());
        writes.add(StageGeneration.bump(table, state.stage(), state.project()));
        dynamo.transactWriteItems(b -> b.transactItems(writes));
    }

    /** A condition that holds while {@code latest} is still as read. */
    private static String latestAsRead(Optional<LatestPointer> read, Map<String, String> names, Map<String, AttributeValue> values) {
        if (read.isEmpty()) {
            return "attribute_not_exists(pk)";
        }
        names.put("#v", "version");
        names.put("#pin", "pinned");
        values.put(":rv", AttributeValue.fromS(read.get().version()));
        values.put(":rp", AttributeValue.fromBool(true));
        return read.get().pinned() ? "#v = :rv AND #pin = :rp" : "#v = :rv AND (attribute_not_exists(#pin) OR #pin <> :rp)";
    }

    /** Runs one read-decide-write attempt, again from a fresh read when a concurrent change cancelled it. */
    private <T> T withRetries(String what, Supplier<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (TransactionCanceledException e) {
                if (n >= MAX_ATTEMPTS) {
                    throw new StorageException(what + " failed after " + n + " attempts: concurrent changes to the project "
                            + "kept cancelling the transaction (" + e.cancellationReasons().stream()
                                    .map(CancellationReason::code).toList() + "). Try again.", e);
                }
                backOff(n, what);
            } catch (SdkException e) {
                throw new StorageException(what + " in DynamoDB table " + table + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Random, growing pauses between attempts, so contending writers stop colliding. */
    private static void backOff(int attempt, String what) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(what + " was interrupted", e);
        }
    }

    private static Release highestNotYanked(List<Release> releases) {
        Release newest = null;
        for (Release r : releases) {
            if (!r.yanked()) {
                newest = higher(newest, r);
            }
        }
        return newest;
    }

    private static Release withYank(Release r, boolean yanked, String reason) {
        return r.withYanked(yanked, reason);
    }

    private static String versionOf(Release r) {
        return r == null ? null : r.version().normalized();
    }

    private static String because(String reason) {
        return reason == null || reason.isBlank() ? "" : " (" + reason + ")";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
    }

    private static Release higher(Release a, Release b) {
        return LatestRule.better(a, b);
    }

    private static ReleaseExistsException alreadyPublished(Release release) {
        return new ReleaseExistsException(release.project() + " " + release.version() + " is already published in stage '"
                + release.stage() + "'. Releases are immutable: bump the version, or pass --overwrite "
                + "(overwrite: true in Jenkins) to replace it deliberately.");
    }

    private Optional<Map<String, AttributeValue>> getItem(String pk, String sk) {
        try {
            var r = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk))));
            return r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty();
        } catch (SdkException e) {
            throw new StorageException("Reading DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
    }

    private List<Map<String, AttributeValue>> query(String pk, String skPrefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true);
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":pk", AttributeValue.fromS(pk));
                if (skPrefix != null) {
                    q.keyConditionExpression("pk = :pk AND begins_with(sk, :p)");
                    values.put(":p", AttributeValue.fromS(skPrefix));
                } else {
                    q.keyConditionExpression("pk = :pk");
                }
                q.expressionAttributeValues(values);
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = dynamo.query(q.build());
                items.addAll(r.items());
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw new StorageException("Reading DynamoDB table " + table + " failed: " + e.getMessage(), e);
        }
        return items;
    }

    // ---- item mapping -------------------------------------------------------------------

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
    private static void putProvenance(Map<String, AttributeValue> item, Provenance p) {
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

    private static Provenance provenance(Map<String, AttributeValue> item) {
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

    private static Map<String, AttributeValue> latestItem(Release newest, boolean pinned, String pinReason) {
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

    private static LatestPointer toLatest(Map<String, AttributeValue> item) {
        return new LatestPointer(s(item, "version"), s(item, "object_key"), instant(item, "upload_time"),
                item.containsKey("pinned") && Boolean.TRUE.equals(item.get("pinned").bool()), s(item, "pin_reason"));
    }

    private static Map<String, AttributeValue> registryItem(Release r, String latestVersion) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(r.stage().name()));
        item.put(SK, AttributeValue.fromS(r.project()));
        item.put("name", AttributeValue.fromS(r.displayName()));
        putIfPresent(item, "latest", latestVersion);
        putIfPresent(item, "summary", r.summary()); // the stage page lists and searches projects from the registry alone
        item.put("updated", AttributeValue.fromS(Instant.now().toString()));
        return item;
    }

    private static void putIfPresent(Map<String, AttributeValue> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, AttributeValue.fromS(value));
        }
    }

    private static String s(Map<String, AttributeValue> m, String key) {
        AttributeValue v = m.get(key);
        return v == null ? null : v.s();
    }

    private static Instant instant(Map<String, AttributeValue> m, String key) {
        String v = s(m, key);
        return v == null ? null : Instant.parse(v);
    }
}
