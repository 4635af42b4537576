package io.pypub.core.retention;

import io.pypub.core.publish.PublishLog;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    /**
     * Writes every item of a backup into {@code table} (which must exist, e.g. after `pypub init`).
     * Items with the same key are replaced, so restoring twice gives the same table.
     */
    public Summary restore(String bucket, String key, String table, PublishLog log) {
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
                            + ". Nothing was restored.", e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SdkException e) {
            throw new StorageException("Reading backup s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
        // Everything is parsed before the first write, so a damaged backup changes nothing.
        for (int i = 0; i < items.size(); i += 25) {
            List<WriteRequest> batch = items.subList(i, Math.min(i + 25, items.size())).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            writeBatch(table, batch);
            if ((i / 25) % 40 == 39) {
                log.info("restored " + (i + batch.size()) + "/" + items.size() + " items");
            }
        }
        log.info("Restored " + items.size() + " items into " + table + " from s3://" + bucket + "/" + key);
        return new Summary(table, bucket, key, items.size(), null);
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
