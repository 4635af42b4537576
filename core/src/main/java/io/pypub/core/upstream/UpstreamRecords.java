package io.pypub.core.upstream;

import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The upstream's items in the version table, apart from the releases (their {@code pk} holds a
 * {@code #}, so stage listings skip them):
 * <pre>
 *   reserved name      pk=reserved#{stage}            sk={project}           by, at
 *   cached file        pk=upstream#{stage}#{project}  sk=file#{filename}     object_key, sha256, size, source, fetched_at,
 *                                                                           requires_python (a file's metadata: {filename}.metadata)
 * </pre>
 * A cached file's record is written once (conditioned on not existing): the first verified copy is
 * what the stage serves from then on, whatever the upstream does later.
 */
public final class UpstreamRecords {
    private final DynamoDbClient dynamo;
    private final String table;

    public UpstreamRecords(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A file fetched from the upstream, verified, and stored at {@code objectKey}. */
    public record CachedFile(String filename, String objectKey, String sha256, long size, String source, Instant fetchedAt,
            String requiresPython) {}

    public record Reservation(String project, String by, Instant at) {}

    public void reserve(Stage stage, String project, String by) {
        put(Map.of("pk", s("reserved#" + stage), "sk", s(ProjectName.of(project).normalized()), "by", s(by == null ? "unknown" : by),
                "at", s(Instant.now().toString())), null);
    }

    /** @return whether the name was reserved */
    public boolean unreserve(Stage stage, String project) {
        try {
            var r = dynamo.deleteItem(b -> b.tableName(table).key(key("reserved#" + stage, ProjectName.normalize(project)))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD));
            return r.hasAttributes() && !r.attributes().isEmpty();
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    public List<Reservation> reserved(Stage stage) {
        List<Reservation> out = new ArrayList<>();
        for (var item : query("reserved#" + stage)) {
            out.add(new Reservation(item.get("sk").s(), str(item, "by"), Instant.parse(item.get("at").s())));
        }
        return out;
    }

    public Optional<CachedFile> cached(Stage stage, String project, String filename) {
        try {
            var r = dynamo.getItem(b -> b.tableName(table).key(key(filePk(stage, project), "file#" + filename)).consistentRead(true));
            return r.hasItem() && !r.item().isEmpty() ? Optional.of(toFile(r.item())) : Optional.empty();
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    /** Every cached file of a project, by file name (one query: pages use it to show the pinned hashes). */
    public Map<String, CachedFile> cachedFiles(Stage stage, String project) {
        Map<String, CachedFile> out = new HashMap<>();
        for (var item : query(filePk(stage, project))) {
            CachedFile f = toFile(item);
            out.put(f.filename(), f);
        }
        return out;
    }

    /** Records a cached file unless one is recorded already; returns the record that holds (ours or the earlier one). */
    public CachedFile record(Stage stage, String project, CachedFile f) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(filePk(stage, project)));
        item.put("sk", s("file#" + f.filename()));
        item.put("object_key", s(f.objectKey()));
        item.put("sha256", s(f.sha256()));
        item.put("size", AttributeValue.fromN(Long.toString(f.size())));
        item.put("source", s(f.source()));
        item.put("fetched_at", s(f.fetchedAt().toString()));
        if (f.requiresPython() != null) {
            item.put("requires_python", s(f.requiresPython()));
        }
        try {
            put(item, "attribute_not_exists(pk)");
            return f;
        } catch (ConditionalCheckFailedException e) {
            return cached(stage, project, f.filename()).orElse(f);
        }
    }

    private static String filePk(Stage stage, String project) {
        return "upstream#" + stage + "#" + project;
    }

    private static CachedFile toFile(Map<String, AttributeValue> item) {
        return new CachedFile(item.get("sk").s().substring("file#".length()), item.get("object_key").s(), item.get("sha256").s(),
                Long.parseLong(item.get("size").n()), str(item, "source"), Instant.parse(item.get("fetched_at").s()),
                str(item, "requires_python"));
    }

    private void put(Map<String, AttributeValue> item, String condition) {
        try {
            dynamo.putItem(b -> {
                b.tableName(table).item(item);
                if (condition != null) {
                    b.conditionExpression(condition);
                }
            });
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    private List<Map<String, AttributeValue>> query(String pk) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        try {
            dynamo.queryPaginator(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(pk))).consistentRead(true)).items().forEach(out::add);
        } catch (SdkException e) {
            throw failed(e);
        }
        return out;
    }

    private StorageException failed(SdkException e) {
        return new StorageException("Reading or writing DynamoDB table " + table + " failed: " + e.getMessage(), e);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
