package io.pypub.server.index;

import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.VersionTable;
import java.time.Clock;

/**
 * What the index serves from, as core's storage interfaces: the version table, the stores of files and of
 * docs, the key prefix, and the presigner for redirect downloads (reusing links: {@link CachedPresigner}). A deployment's come from
 * {@link #on(AwsClients)}; tests of routing and access may pass their own (the real backends stay covered
 * by the contract tests that run against S3 and DynamoDB APIs).
 *
 * @param prefix the deployment's key prefix as configured (may be empty)
 */
public record IndexStorage(VersionTable versions, ArtifactStore files, ArtifactStore docs, String prefix, Presigner presigner) {

    public static IndexStorage on(AwsClients aws) {
        return new IndexStorage(new DynamoVersionTable(aws.dynamo(), aws.settings().versionTable()),
                new S3ArtifactStore(aws.s3(), aws.settings().bucket()), new S3ArtifactStore(aws.s3(), aws.settings().effectiveDocsBucket()),
                aws.settings().prefix(), new CachedPresigner(Presigner.of(aws), Clock.systemUTC()));
    }
}
