package io.pypub.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * The tables of the CloudFormation template (deploy/aws/pypub.yaml), read from the template itself:
 * the test suite creates every table from these definitions, so the deployed schema is the one the
 * tests run against. {@code TableSchemaDriftTest} compares them with the code's key names and with
 * {@code StorageProvisioner} (which `pypub init` uses outside CloudFormation).
 */
public final class TemplateTables {
    public static final String VERSION_TABLE = "VersionTable";
    public static final String ACCESS_TABLE = "AccessTable";

    private static JsonNode resources;

    private TemplateTables() {
    }

    public static Path template() {
        return TestEnvironment.repoRoot().resolve("deploy/aws/pypub.yaml");
    }

    /** The template's Resources, parsed once (CloudFormation's short-form tags such as !Ref are ignored). */
    public static synchronized JsonNode resources() {
        if (resources == null) {
            try {
                resources = new YAMLMapper().readTree(Files.readString(template())).path("Resources");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the CloudFormation template " + template(), e);
            }
            if (!resources.isObject()) {
                throw new IllegalStateException(template() + " has no Resources");
            }
        }
        return resources;
    }

    /** The Properties of the AWS::DynamoDB::Table resource with this logical id. */
    public static JsonNode tableProperties(String logicalId) {
        JsonNode resource = resources().path(logicalId);
        if (!"AWS::DynamoDB::Table".equals(resource.path("Type").asText())) {
            throw new IllegalStateException(template() + " has no AWS::DynamoDB::Table " + logicalId);
        }
        return resource.path("Properties");
    }

    /** CreateTable for the template's table {@code logicalId}, named {@code tableName}. */
    public static CreateTableRequest createTableRequest(String logicalId, String tableName) {
        JsonNode p = tableProperties(logicalId);
        List<AttributeDefinition> attributes = new ArrayList<>();
        p.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<KeySchemaElement> keys = new ArrayList<>();
        p.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        if (attributes.isEmpty() || keys.isEmpty()) {
            throw new IllegalStateException(logicalId + " in " + template() + " has no AttributeDefinitions or KeySchema");
        }
        return CreateTableRequest.builder().tableName(tableName)
                .billingMode(p.path("BillingMode").asText())
                .attributeDefinitions(attributes).keySchema(keys).build();
    }

    /** The TTL attribute the template enables on the table, if any. */
    public static Optional<String> ttlAttribute(String logicalId) {
        JsonNode ttl = tableProperties(logicalId).path("TimeToLiveSpecification");
        return ttl.path("Enabled").asBoolean(false) ? Optional.of(ttl.path("AttributeName").asText()) : Optional.empty();
    }

    /** Creates the template's table {@code logicalId} as {@code tableName} (with its TTL) and waits until it exists. */
    public static void create(DynamoDbClient dynamo, String logicalId, String tableName) {
        dynamo.createTable(createTableRequest(logicalId, tableName));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        ttlAttribute(logicalId).ifPresent(attribute -> dynamo.updateTimeToLive(b -> b.tableName(tableName)
                .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true))));
    }
}
