package io.pypub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pypub.core.testing.TestEnvironment;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy/k8s/pypub-index.yaml fits the image the build makes: user, port, probes, memory, disruption budget. */
class KubernetesManifestTest {

    private static Map<String, JsonNode> manifest() throws Exception {
        Map<String, JsonNode> byKind = new HashMap<>();
        try (var docs = new YAMLMapper().readerFor(JsonNode.class)
                .<JsonNode>readValues(TestEnvironment.repoRoot().resolve("deploy/k8s/pypub-index.yaml").toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                byKind.put(doc.path("kind").asText(), doc);
            }
        }
        return byKind;
    }

    @Test
    void deploymentRunsTheImageAsItsUserWithProbesAndLimits() throws Exception {
        Map<String, JsonNode> m = manifest();
        assertThat(m).containsKeys("Deployment", "Service", "PodDisruptionBudget", "ConfigMap", "ServiceAccount");
        JsonNode pod = m.get("Deployment").path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        ImageRootfs image = ImageRootfs.get();

        String[] user = image.user().split(":");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asText()).isEqualTo(user[0]);
        assertThat(pod.path("securityContext").path("runAsGroup").asText()).isEqualTo(user[1]);
        assertThat(container.path("image").asText()).contains("/pypub-index:");
        assertThat(container.path("ports").get(0).path("containerPort").asText()).isEqualTo(image.environment().get("PYPUB_PORT"));
        assertThat(image.config.path("ExposedPorts").has(container.path("ports").get(0).path("containerPort").asText() + "/tcp")).isTrue();

        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");

        JsonNode resources = container.path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotBlank();
        assertThat(resources.path("requests").path("memory").asText()).isEqualTo("128Mi");
        // index-jvm.options sizes the heap as a share of the container: the limit is the container's size.
        assertThat(resources.path("limits").path("memory").asText()).isEqualTo("128Mi");
        assertThat(resources.path("limits").path("cpu").asText()).isNotBlank();
        // The JVM writes only to /tmp (hsperfdata, temp files): a read-only root with /tmp as a volume.
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("volumeMounts").toString()).contains("\"mountPath\":\"/tmp\"");
    }

    @Test
    void disruptionBudgetAndServiceSelectTheDeploymentsPods() throws Exception {
        Map<String, JsonNode> m = manifest();
        JsonNode labels = m.get("Deployment").path("spec").path("template").path("metadata").path("labels");
        assertThat(m.get("Deployment").path("spec").path("replicas").asInt()).isGreaterThan(1);
        assertThat(m.get("PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(m.get("PodDisruptionBudget").path("spec").path("selector").path("matchLabels")).isEqualTo(labels);
        assertThat(m.get("Service").path("spec").path("selector")).isEqualTo(labels);
    }
}
