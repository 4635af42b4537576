package io.pypub.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** What {@code pypub ls} and {@code pypub show} share: the stages of a deployment and JSON output. */
final class LookAround {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LookAround() {
    }

    /**
     * The stages that have projects: one scan of the version table for registry items ({@code pk} is
     * a stage, without {@code #}), reading only their keys. Used only when no {@code --stage} is given.
     */
    static TreeSet<String> stages(AwsClients clients) {
        TreeSet<String> stages = new TreeSet<>();
        var pages = clients.dynamo().scanPaginator(ScanRequest.builder().tableName(clients.settings().versionTable())
                .projectionExpression("pk").filterExpression("NOT contains(pk, :hash)")
                .expressionAttributeValues(Map.of(":hash", AttributeValue.fromS("#"))).build());
        for (var item : pages.items()) {
            String pk = item.get("pk").s();
            try {
                stages.add(Stage.of(pk).name());
            } catch (IllegalArgumentException e) {
                // not a registry item
            }
        }
        return stages;
    }

    static void printJson(Object value) {
        try {
            System.out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
