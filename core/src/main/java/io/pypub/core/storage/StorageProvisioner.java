package io.pypub.core.storage;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Creates the bucket(s) and tables of a deployment when they are missing (`pypub init`, demo, tests). */
public final class StorageProvisioner {
    private final AwsClients aws;

    public StorageProvisioner(AwsClients aws) {
        this.aws = aws;
    }

    /** Returns a line per resource saying whether it was created or already there. */
    public java.util.List<String> ensureAll() {
        AwsSettings s = aws.settings();
        java.util.List<String> done = new java.util.ArrayList<>();
        done.add(ensureBucket(s.bucket()));
        if (!s.effectiveDocsBucket().equals(s.bucket())) {
            done.add(ensureBucket(s.effectiveDocsBucket()));
        }
        done.add(ensureTable(s.versionTable()));
        done.add(ensureTable(s.accessTable()));
        return done;
    }

    public String ensureBucket(String bucket) {
        try {
            aws.s3().headBucket(b -> b.bucket(bucket));
            return "bucket " + bucket + ": exists";
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new StorageException("Cannot check bucket " + bucket + ": " + S3ArtifactStore.reason(e), e);
            }
        }
        try {
            aws.s3().createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            return "bucket " + bucket + ": exists";
        }
        return "bucket " + bucket + ": created";
    }

    public String ensureTable(String table) {
        try {
            aws.dynamo().describeTable(b -> b.tableName(table));
            return "table " + table + ": exists";
        } catch (ResourceNotFoundException e) {
            // create below
        }
        try {
            aws.dynamo().createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(DynamoVersionTable.PK).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(DynamoVersionTable.SK).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(DynamoVersionTable.PK).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(DynamoVersionTable.SK).keyType(KeyType.RANGE).build()));
            aws.dynamo().waiter().waitUntilTableExists(b -> b.tableName(table));
        } catch (ResourceInUseException e) {
            return "table " + table + ": exists";
        }
        return "table " + table + ": created";
    }
}
