package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pypub.core.testing.TemplateTables;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The packages bucket's lifecycle rules in deploy/aws/pypub.yaml follow docs/s3-lifecycle.json
 * (the file OPERATIONS.md applies with put-bucket-lifecycle-configuration): same rule ids, filters,
 * actions, and days whose parameter defaults are the file's values. A change to one needs the other.
 */
class LifecycleRulesTest {

    @Test
    void templateRulesFollowDocsS3LifecycleJson() throws Exception {
        JsonNode file = new ObjectMapper().readTree(TestEnvironment.repoRoot().resolve("docs/s3-lifecycle.json").toFile());
        JsonNode template = new YAMLMapper().readTree(Files.readString(TemplateTables.template()));
        JsonNode parameters = template.path("Parameters");
        JsonNode rules = template.path("Resources").path("PackagesBucket").path("Properties")
                .path("LifecycleConfiguration").path("Rules");

        Map<String, String> fromFile = new TreeMap<>();
        for (JsonNode r : file.path("Rules")) {
            fromFile.put(r.path("ID").asText(), canonical(r.path("Status").asText(), r.path("Filter").path("Prefix").asText(),
                    r.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation").asText(null),
                    r.path("Expiration").path("Days").asText(null),
                    r.path("NoncurrentVersionExpiration").path("NoncurrentDays").asText(null)));
        }
        Map<String, String> fromTemplate = new TreeMap<>();
        for (JsonNode r : rules) {
            fromTemplate.put(r.path("Id").asText(), canonical(r.path("Status").asText(), r.path("Prefix").asText(),
                    days(r.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation"), parameters),
                    days(r.path("ExpirationInDays"), parameters),
                    days(r.path("NoncurrentVersionExpiration").path("NoncurrentDays"), parameters)));
        }
        assertThat(fromFile).isNotEmpty();
        assertThat(fromTemplate).as("PackagesBucket's LifecycleConfiguration against docs/s3-lifecycle.json")
                .isEqualTo(fromFile);
    }

    /** A literal number, or a !Ref to a parameter (which YAML hands over as its name): the parameter's default. */
    private static String days(JsonNode value, JsonNode parameters) {
        if (value.isMissingNode()) {
            return null;
        }
        JsonNode parameter = parameters.path(value.asText());
        return parameter.isObject() ? parameter.path("Default").asText() : value.asText();
    }

    private static String canonical(String status, String prefix, String abortDays, String expirationDays, String noncurrentDays) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("status", status).put("prefix", prefix).put("abort", abortDays).put("expire", expirationDays)
                .put("noncurrent", noncurrentDays);
        return n.toString();
    }
}
