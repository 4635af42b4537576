package io.pypub.jenkins;

import static io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import org.junit.jupiter.api.Test;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {

    @Test
    @ConfiguredWithCode("casc.yml")
    void importsAndExportsTheTargets(JenkinsConfiguredWithCodeRule j) throws Exception {
        PythonPublisherConfiguration config = PythonPublisherConfiguration.get();
        assertEquals("prod", config.getDefaultTarget());
        assertEquals(2, config.getTargets().size());
        PublishTarget prod = config.resolve("prod");
        j.assertEqualDataBoundBeans(PythonPublisherConfigurationTest.fullTarget("prod"), prod);
        assertEquals("acme-dev-packages", config.resolve("dev").getBucket());

        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode exported = getUnclassifiedRoot(context).get("pythonPackagePublisher");
        String yaml = toYamlString(exported);
        assertTrue(yaml.contains("bucket: \"acme-packages\""), yaml);
        assertTrue(yaml.contains("credentialsId: \"aws-publisher\""), yaml);
        assertTrue(yaml.contains("defaultTarget: \"prod\""), yaml);
    }
}
