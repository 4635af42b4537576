package io.pypub.core.testing;

import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.notify.Notifier;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One test's bucket and tables, with the core objects wired on them and snapshot helpers. */
public record Deployment(AwsSettings settings, AwsClients clients) implements AutoCloseable {

    public S3ArtifactStore store() {
        return new S3ArtifactStore(clients.s3(), settings.bucket());
    }

    public DynamoVersionTable versions() {
        return new DynamoVersionTable(clients.dynamo(), settings.versionTable());
    }

    public PublishPipeline pipeline() {
        return pipeline(Notifier.NONE);
    }

    public PublishPipeline pipeline(Notifier notifier) {
        return PublishPipeline.on(clients, new LocalCommandRunner(), notifier);
    }

    /** Every object key with its ETag: equal snapshots mean S3 was not changed. */
    public Map<String, String> s3Snapshot() {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o : clients.s3().listObjectsV2Paginator(b -> b.bucket(settings.bucket())).contents()) {
            out.put(o.key(), o.eTag() + "/" + o.size());
        }
        return out;
    }

    /** Every item of the version table: equal snapshots mean DynamoDB was not changed. */
    public List<Map<String, AttributeValue>> tableSnapshot() {
        var items = new java.util.ArrayList<Map<String, AttributeValue>>();
        clients.dynamo().scanPaginator(b -> b.tableName(settings.versionTable()).consistentRead(true))
                .items().forEach(i -> items.add(new TreeMap<>(i)));
        items.sort(java.util.Comparator.comparing(i -> i.get("pk").s() + "|" + i.get("sk").s()));
        return items;
    }

    @Override
    public void close() {
        clients.close();
    }
}
