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
    /** The access table's TTL attribute: usage counters expire (io.pypub.core.access.DownloadQuota). */
    public static final String ACCESS_TTL_ATTRIBUTE = "ttl";

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
        done.add(ensureTimeToLive(s.accessTable(), ACCESS_TTL_ATTRIBUTE));
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

    /** Turns on DynamoDB's TTL deletion for items with the epoch-seconds attribute {@code attribute}. */
    public String ensureTimeToLive(String table, String attribute) {
        try {
            var current = aws.dynamo().describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
            if (current != null && attribute.equals(current.attributeName())
                    && current.timeToLiveStatusAsString() != null && current.timeToLiveStatusAsString().startsWith("ENABL")) {
                return "table " + table + ": TTL on '" + attribute + "'";
            }
            aws.dynamo().updateTimeToLive(b -> b.tableName(table)
                    .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)));
            return "table " + table + ": TTL on '" + attribute + "' enabled";
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new StorageException("Cannot enable TTL on table " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * The CreateTable of both tables (same key schema). deploy/aws/pypub.yaml declares the same;
     * TableSchemaDriftTest fails when the two differ.
     */
    public static software.amazon.awssdk.services.dynamodb.model.CreateTableRequest tableDefinition(String table) {
        return software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.builder().tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(DynamoVersionTable.PK).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(DynamoVersionTable.SK).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(DynamoVersionTable.PK).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(DynamoVersionTable.SK).keyType(KeyType.RANGE).build())
                .build();
    }

    public String ensureTable(String table) {
        try {
            aws.dynamo().describeTable(b -> b.tableName(table));
            return "table " + table + ": exists";
        } catch (ResourceNotFoundException e) {
            // create below
        }
        try {
            aws.dynamo().createTable(tableDefinition(table));
            aws.dynamo().waiter().waitUntilTableExists(b -> b.tableName(table));
        } catch (ResourceInUseException e) {
            return "table " + table + ": exists";
        }
        return "table " + table + ": created";
    }
}
