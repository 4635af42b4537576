package io.pypub.core.lifecycle;

import static io.pypub.core.lifecycle.Releases.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.Provenance;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Provenance as attributes of the release item, on a real DynamoDB API server: written, read back, and absent in old items. */
class ProvenanceRecordTest {
    private static final Stage DEV = Stage.of("dev");
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment deployment;

    @BeforeEach
    void setUp() {
        deployment = env.newDeployment();
    }

    @AfterEach
    void tearDown() {
        deployment.close();
    }

    private Map<String, AttributeValue> item(String version) {
        return deployment.tableSnapshot().stream()
                .filter(i -> i.get("pk").s().equals("dev#" + PROJECT) && i.get("sk").s().equals("v#" + version))
                .findFirst().orElseThrow();
    }

    @Test
    void provenanceIsStoredAsAttributesOfTheReleaseItemAndReadBack() {
        Provenance p = new Provenance("https://ci.example.com/", "libs/hello", "12", "https://ci.example.com/job/libs/job/hello/12/",
                "abc123", "agent-1", "1.4.0", List.of()).promoted(Stage.of("test"), DEV, "https://ci.example.com/job/release/3/",
                Instant.parse("2026-01-02T03:04:05Z"));
        deployment.versions().record(Releases.of(DEV, "1.0").withProvenance(p), false);

        Map<String, AttributeValue> item = item("1.0");
        assertThat(item.get("provenance").m()).containsOnlyKeys("jenkins_url", "job", "build_number", "build_url", "commit",
                "agent", "plugin_version");
        assertThat(item.get("provenance").m().get("agent").s()).isEqualTo("agent-1");
        assertThat(item.get("promoted_by").l()).singleElement()
                .satisfies(v -> assertThat(v.m().get("by").s()).isEqualTo("https://ci.example.com/job/release/3/"));
        Release read = deployment.versions().release(DEV, PROJECT, Version.parse("1.0")).orElseThrow();
        assertThat(read.provenance()).isEqualTo(p);
    }

    @Test
    void anItemWithoutProvenanceReadsAsEmptyAndWritesNoAttributes() {
        // Items written before provenance existed have neither attribute; a release without provenance writes neither.
        deployment.versions().record(Releases.of(DEV, "1.0"), false);

        Map<String, AttributeValue> item = item("1.0");
        assertThat(item).doesNotContainKeys("provenance", "promoted_by").containsKey("published_by");
        Release read = deployment.versions().release(DEV, PROJECT, Version.parse("1.0")).orElseThrow();
        assertThat(read.provenance()).isEqualTo(Provenance.EMPTY);
        assertThat(read.provenance().isEmpty()).isTrue();
        assertThat(read.publishedBy()).isEqualTo("test");
    }

    @Test
    void theEnvironmentOfAJenkinsBuildFillsTheBuildFields() {
        Provenance p = Provenance.fromEnvironment(Map.of("JENKINS_URL", "https://ci/", "JOB_NAME", "libs/hello", "BUILD_NUMBER", "7",
                "BUILD_URL", "https://ci/job/libs/job/hello/7/", "GIT_COMMIT", "deadbeef", "NODE_NAME", "built-in", "HOME", "/root"));
        assertThat(p.fields()).containsExactly(Map.entry("jenkins_url", "https://ci/"), Map.entry("job", "libs/hello"),
                Map.entry("build_number", "7"), Map.entry("build_url", "https://ci/job/libs/job/hello/7/"),
                Map.entry("commit", "deadbeef"), Map.entry("agent", "built-in"));
        assertThat(Provenance.fromEnvironment(Map.of("JOB_NAME", " ")).isEmpty()).isTrue();
    }
}
