package io.pypub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TemplateTables;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/aws/pypub.yaml passes cfn-lint (pinned in the test venv) and the checkov security scan
 * (pinned, in a venv of its own because it pins packaging differently from pypub's tools); every
 * check the template skips says why, and no IAM statement allows a `*` resource.
 */
class TemplateLintTest {
    static final String CHECKOV = "checkov==3.3.30";

    private static String run(List<String> command, int expectedExit) {
        StringBuilder out = new StringBuilder();
        var result = new LocalCommandRunner().run(command, TestEnvironment.repoRoot(), Map.of(), Duration.ofMinutes(5),
                line -> out.append(line).append('\n'));
        assertThat(result.exitCode()).as("%s:\n%s", String.join(" ", command), out).isEqualTo(expectedExit);
        return out.toString();
    }

    @Test
    void cfnLintPasses() {
        Path cfnLint = TestEnvironment.pythonEnvironment().python().getParent().resolve("cfn-lint");
        assertThat(cfnLint).as("cfn-lint from core/src/test/resources/test-requirements.txt in target/pyenv").isExecutable();
        assertThat(run(List.of(cfnLint.toString(), "--version"), 0)).contains("cfn-lint 1.58.0");
        run(List.of(cfnLint.toString(), "--format", "parseable", TemplateTables.template().toString()), 0);
    }

    @Test
    void checkovFindsNothingThatIsNotJustified() throws Exception {
        PythonEnvironment checkov = PythonEnvironment.ensure(TestEnvironment.repoRoot().resolve("target/checkov-env"),
                CHECKOV + "\n", line -> System.out.println("[checkov-env] " + line));
        Path bin = checkov.python().getParent().resolve("checkov");
        // --skip-download: no calls to the vendor's platform (none is reachable, and none is needed).
        String json = run(List.of(bin.toString(), "--file", TemplateTables.template().toString(), "--framework", "cloudformation",
                "--skip-download", "--output", "json", "--quiet"), 0);
        JsonNode report = new ObjectMapper().readTree(json.substring(json.indexOf('{')));
        JsonNode summary = report.path("summary");
        assertThat(summary.path("failed").asInt(-1)).as("checkov failed checks:\n%s", json).isZero();
        assertThat(summary.path("passed").asInt()).isGreaterThan(20);
        assertThat(summary.path("parsing_errors").asInt()).isZero();
        System.out.printf("[checkov] passed %d, failed %d, skipped with a reason in the template %d%n",
                summary.path("passed").asInt(), summary.path("failed").asInt(), summary.path("skipped").asInt());
    }

    @Test
    void everySkippedCheckSaysWhy() throws Exception {
        JsonNode resources = template().path("Resources");
        List<String> skips = new ArrayList<>();
        resources.fields().forEachRemaining(r -> r.getValue().path("Metadata").path("checkov").path("skip").forEach(s -> {
            skips.add(r.getKey() + ":" + s.path("id").asText());
            assertThat(s.path("comment").asText().strip()).as("%s skips %s without a reason", r.getKey(), s.path("id").asText())
                    .hasSizeGreaterThan(20);
        }));
        assertThat(skips).isNotEmpty();
    }

    @Test
    void noIamStatementAllowsEveryResource() throws Exception {
        List<String> statements = new ArrayList<>();
        template().path("Resources").fields().forEachRemaining(r -> {
            String type = r.getValue().path("Type").asText();
            JsonNode props = r.getValue().path("Properties");
            List<JsonNode> documents = new ArrayList<>();
            if (type.equals("AWS::IAM::ManagedPolicy")) {
                documents.add(props.path("PolicyDocument"));
            } else if (type.equals("AWS::IAM::Role")) {
                props.path("Policies").forEach(p -> documents.add(p.path("PolicyDocument")));
            }
            for (JsonNode doc : documents) {
                for (JsonNode st : doc.path("Statement")) {
                    statements.add(r.getKey() + "/" + st.path("Sid").asText());
                    assertThat(st.path("Effect").asText()).isEqualTo("Allow");
                    // Resources are named (wildcards only below a bucket, table or log group), never "*".
                    assertThat(st.path("Resource").isMissingNode()).isFalse();
                    assertThat(st.path("Resource").toString()).as("%s %s", r.getKey(), st.path("Sid").asText())
                            .doesNotContain("\"*\"").doesNotContain("\"arn:aws:*");
                    assertThat(st.toString()).as("%s %s", r.getKey(), st.path("Sid").asText())
                            .doesNotContain("\"Action\":\"*\"").doesNotContain("\":*\"");
                }
            }
        });
        assertThat(statements).contains("IndexRole/ReadTables", "IndexRole/UsageCounters", "PublisherPolicy/RecordReleasesInStages",
                "OperatorPolicy/Tables");
    }

    @Test
    void outputsGiveTheIndexUrlAndThePipConfLine() throws Exception {
        JsonNode outputs = template().path("Outputs");
        assertThat(outputs.has("IndexUrl")).isTrue();
        assertThat(outputs.path("PipConf").toString()).contains("index-url = https://__token__:KEY@");
    }

    static JsonNode template() throws Exception {
        return new YAMLMapper().readTree(Files.readString(TemplateTables.template()));
    }
}
