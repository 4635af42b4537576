package io.pypub.core.storage;

import static io.pypub.core.storage.ItemConditions.*;
import static io.pypub.core.storage.LifecycleWrites.highestNotYanked;
import static io.pypub.core.storage.LifecycleWrites.versionOf;
import static io.pypub.core.storage.ReleaseItemCodec.*;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import io.pypub.core.storage.DynamoVersionTable.RestoredProject;

/** A restore's writes to one project: the backup's release items back, {@code latest} and the registry recomputed. */
final class ProjectRestore {
    private final VersionItems items;
    private final DynamoRetries retries;
    private final String table;

    ProjectRestore(VersionItems items, DynamoRetries retries) {
        this.items = items;
        this.retries = retries;
        this.table = items.table();
    }

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
    RestoredProject restoreProject(Stage stage, String project, List<Map<String, AttributeValue>> releaseItems,
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
            final List<Map<String, AttributeValue>> chunkItems = chunk;
            RestoredProject step = retries.withRetries("Restoring " + project + " in stage '" + stage + "'", () -> {
                Optional<Map<String, AttributeValue>> registry = items.getItem(stage.name(), project);
                Optional<LatestPointer> current = items.latest(stage, project);
                List<Release> existing = items.releases(stage, project);
                Map<String, Release> merged = new java.util.TreeMap<>();
                existing.forEach(r -> merged.put(r.version().normalized(), r));
                for (var item : chunkItems) {
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
                RestoredProject outcome = new RestoredProject(stage, project, chunkItems.size(), current.map(LatestPointer::version).orElse(null),
                        current.map(LatestPointer::pinned).orElse(false), versionOf(newLatest), pinnedAfter);
                if (dryRun) {
                    return outcome;
                }
                boolean sameReleases = chunkItems.stream().allMatch(item -> {
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
                for (var item : chunkItems) {
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
                writes.add(TransactWriteItem.builder().put(ItemConditions.registryAsRead(
                        Put.builder().tableName(table).item(registryItem), registry).build()).build());
                writes.add(StageGeneration.bump(table, stage, project));
                items.dynamo().transactWriteItems(b -> b.transactItems(writes));
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
}
