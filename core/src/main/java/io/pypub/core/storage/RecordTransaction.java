package io.pypub.core.storage;

import static io.pypub.core.storage.ItemConditions.*;
import static io.pypub.core.storage.ReleaseItemCodec.*;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.LatestRule;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import io.pypub.core.storage.VersionTable.RecordOutcome;

/** The record transaction: how publish, overwrite, import, promote and the upload API record a release. */
final class RecordTransaction {
    private final VersionItems items;
    private final String table;

    RecordTransaction(VersionItems items) {
        this.items = items;
        this.table = items.table();
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
    RecordOutcome record(Release release, boolean replaceAny, Release expected, Stage promotedFrom, Release promotionSource) {
        for (int attempt = 1; ; attempt++) {
            Optional<Map<String, AttributeValue>> registry = items.getItem(release.stage().name(), release.project());
            VersionItems.ProjectItems project = items.projectItems(release.stage(), release.project());
            Optional<LatestPointer> current = project.latest();
            List<Map<String, AttributeValue>> existingItems = project.releases();
            List<Release> existing = existingItems.stream().map(i -> toRelease(release.stage(), i)).toList();
            // PEP 440 equality: 1.2 is already published when 1.2.0 is.
            int sameAt = indexOfVersion(existing, release);
            Optional<Release> same = sameAt < 0 ? Optional.empty() : Optional.of(existing.get(sameAt));
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
                // The release keeps its Slack thread (an upload adding a file replies there): copied from the item as read,
                // and conditioned on it, so a thread stored meanwhile forces a fresh read instead of being dropped.
                Map<String, AttributeValue> sameItem = existingItems.get(sameAt);
                AttributeValue threadTs = sameItem.get(SLACK_TS);
                if (sameItem.get(SLACK_CHANNEL) != null && threadTs != null) {
                    releaseItem.put(SLACK_CHANNEL, sameItem.get(SLACK_CHANNEL));
                    releaseItem.put(SLACK_TS, threadTs);
                }
                names.put("#sts", SLACK_TS);
                String threadAsRead;
                if (threadTs == null) {
                    threadAsRead = "attribute_not_exists(#sts)";
                } else {
                    values.put(":sts", threadTs);
                    threadAsRead = "#sts = :sts";
                }
                putRelease.item(releaseItem) // the builder copied the item: again, with the thread
                        .conditionExpression("(" + recordAsRead(same.get(), names, values) + ") AND " + threadAsRead)
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
            writes.add(TransactWriteItem.builder().put(ItemConditions.registryAsRead(
                    Put.builder().tableName(table).item(registryItem(toWrite, latestVersion)), registry).build()).build());
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
                items.dynamo().transactWriteItems(b -> b.transactItems(writes));
                return new RecordOutcome(latestVersion, moves, pinned, pinned ? current.get().pinReason() : null);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (sourceCheck >= 0 && reasons.size() > sourceCheck && "ConditionalCheckFailed".equals(reasons.get(sourceCheck).code())) {
                    throw new ReleaseStateException(promotionSource.project() + " " + promotionSource.version() + " changed in stage '"
                            + promotionSource.stage() + "' (replaced, yanked or deleted) while it was promoted; nothing was recorded.");
                }
                if (attempt >= DynamoRetries.MAX_RECORD_ATTEMPTS) {
                    throw new StorageException("Recording " + release.project() + " " + release.version()
                            + " in " + table + " failed after " + attempt + " attempts: the transaction was cancelled ("
                            + reasons.stream().map(CancellationReason::code).toList() + ")", e);
                }
                // Something changed since the read: read again and decide again (the loser of a race fails there).
                DynamoRetries.backOff(attempt, "Recording " + release.project() + " " + release.version());
            } catch (SdkException e) {
                throw new StorageException("Recording " + release.project() + " " + release.version()
                        + " in DynamoDB table " + table + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Whether two reads are the same record (a revision, or for records older than revisions, their publish time and files). */
    public static boolean sameRecord(Release a, Release b) {
        if (a.revision() != null || b.revision() != null) {
            return Objects.equals(a.revision(), b.revision());
        }
        return Objects.equals(a.publishedAt(), b.publishedAt()) && a.files().equals(b.files());
    }

    static ReleaseExistsException alreadyPublished(Release release) {
        return new ReleaseExistsException(release.project() + " " + release.version() + " is already published in stage '"
                + release.stage() + "'. Releases are immutable: bump the version, or pass --overwrite "
                + "(overwrite: true in Jenkins) to replace it deliberately.");
    }

    /** Where the release of {@code release}'s version is in {@code existing} (PEP 440 equality), or -1. */
    private static int indexOfVersion(List<Release> existing, Release release) {
        for (int i = 0; i < existing.size(); i++) {
            if (existing.get(i).version().equals(release.version())) {
                return i;
            }
        }
        return -1;
    }

    private static Release higher(Release a, Release b) {
        return LatestRule.better(a, b);
    }
}
