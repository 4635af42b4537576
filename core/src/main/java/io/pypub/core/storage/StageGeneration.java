package io.pypub.core.storage;

import io.pypub.core.release.Stage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * How often what a stage serves has changed: one counter per shard, bumped in the same transaction
 * as every write of a project's releases, {@code latest} or registry item (key layout in
 * {@link StorageLayout}). An index compares it each interval and re-reads only what changed.
 *
 * <p>Why shards rather than one item per stage: every transaction that touches an item conflicts
 * with any other in flight on it, so one item would serialize all writes of a stage (parallel
 * imports, publishes of different projects). A project always maps to the same shard, so a
 * project's pages need re-reading only when its shard moved, and 16 tiny items are still one
 * query of one partition, whatever the number of projects.
 */
public final class StageGeneration {
    public static final int SHARDS = 16;
    static final String COUNTER = "generation";
    private static final StageGeneration NONE = new StageGeneration(new long[SHARDS]);

    private final long[] counters;

    private StageGeneration(long[] counters) {
        this.counters = counters;
    }

    /** A stage no writer has bumped yet (or a table from before generations). */
    public static StageGeneration none() {
        return NONE;
    }

    /** The shard of a project (its normalized name): String.hashCode is fixed by the language, so every version agrees. */
    public static int shardOf(String project) {
        return Math.floorMod(project.hashCode(), SHARDS);
    }

    /** The counter of the shard {@code project} is in: when it is unchanged, nothing of the project changed. */
    public long of(String project) {
        return counters[shardOf(project)];
    }

    /** The sum of the counters: when it is unchanged, nothing in the stage changed (counters only grow). */
    public long total() {
        return Arrays.stream(counters).sum();
    }

    /** From the stage's generation items as read (absent shards count 0). */
    static StageGeneration of(List<Map<String, AttributeValue>> items) {
        long[] counters = new long[SHARDS];
        for (var item : items) {
            String sk = item.get(DynamoVersionTable.SK).s();
            int shard = Integer.parseInt(sk.substring(sk.lastIndexOf('#') + 1));
            AttributeValue n = item.get(COUNTER);
            if (shard >= 0 && shard < SHARDS && n != null && n.n() != null) {
                counters[shard] = Long.parseLong(n.n());
            }
        }
        return new StageGeneration(counters);
    }

    /** The write that goes into every transaction changing {@code project} in {@code stage}: its shard + 1. */
    static TransactWriteItem bump(String table, Stage stage, String project) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of(DynamoVersionTable.PK, AttributeValue.fromS(StorageLayout.GENERATION_PK),
                        DynamoVersionTable.SK, AttributeValue.fromS(StorageLayout.generationSk(stage, shardOf(project)))))
                .updateExpression("ADD #g :one")
                .expressionAttributeNames(Map.of("#g", COUNTER))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
                .build()).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageGeneration g && Arrays.equals(counters, g.counters);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counters);
    }

    @Override
    public String toString() {
        return Arrays.toString(counters);
    }
}
