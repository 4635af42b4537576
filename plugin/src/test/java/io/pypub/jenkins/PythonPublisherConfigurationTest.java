package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.AbortException;
import hudson.util.FormValidation;
import hudson.util.Secret;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class PythonPublisherConfigurationTest {

    static PublishTarget fullTarget(String name) {
        PublishTarget t = new PublishTarget(name);
        t.setBucket("acme-packages");
        t.setPrefix("pypub/");
        t.setDocsBucket("acme-docs");
        t.setVersionTable("acme-versions");
        t.setAccessTable("acme-access");
        t.setRegion("eu-west-1");
        t.setS3Endpoint("http://minio.internal:9000");
        t.setDynamoEndpoint("http://dynamodb.internal:8000");
        t.setCredentialsId("aws-publisher");
        t.setIndexUrl("https://pypi.example.com");
        t.setDefaultStage("dev");
        t.setSlackChannel("#releases");
        t.setSlackWebhookCredentialsId("slack-webhook");
        t.setSlackTokenCredentialsId("slack-token");
        return t;
    }

    @Test
    void everyFieldSurvivesTheConfigurationPage(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "aws-publisher", "publisher keys", "AKIAEXAMPLE", "not-a-real-secret"));
        SystemCredentialsProvider.getInstance().save();
        PublishTarget prod = fullTarget("prod");
        PublishTarget dev = new PublishTarget("dev");
        dev.setBucket("acme-dev-packages");
        PythonPublisherConfiguration config = PythonPublisherConfiguration.get();
        config.setTargets(List.of(prod, dev));
        config.setDefaultTarget("prod");

        j.configRoundtrip();

        PythonPublisherConfiguration after = PythonPublisherConfiguration.get();
        assertEquals(2, after.getTargets().size());
        j.assertEqualDataBoundBeans(prod, after.getTargets().get(0));
        j.assertEqualDataBoundBeans(dev, after.getTargets().get(1));
        assertEquals("prod", after.getDefaultTarget());
    }

    @Test
    void aTargetIsADescribableWithItsDescriptor(JenkinsRule j) {
        PublishTarget t = new PublishTarget("prod");
        assertSame(j.jenkins.getDescriptorByType(PublishTarget.DescriptorImpl.class), t.getDescriptor());
        assertEquals("Publishing target", t.getDescriptor().getDisplayName());
    }

    @Test
    void deletingEveryTargetOnThePageDeletesThem(JenkinsRule j) throws Exception {
        PythonPublisherConfiguration.get().setTargets(List.of());
        j.configRoundtrip();
        assertTrue(PythonPublisherConfiguration.get().getTargets().isEmpty());
    }

    @Test
    void stepsFindTheirTarget(JenkinsRule j) throws Exception {
        PythonPublisherConfiguration config = PythonPublisherConfiguration.get();
        AbortException none = assertThrows(AbortException.class, () -> config.resolve(null));
        assertTrue(none.getMessage().contains("No Python publishing target is configured"));

        config.setTargets(List.of(fullTarget("prod")));
        assertEquals("prod", config.resolve(null).getName(), "the only target is the default");

        config.setTargets(List.of(fullTarget("prod"), fullTarget("staging")));
        AbortException ambiguous = assertThrows(AbortException.class, () -> config.resolve(""));
        assertTrue(ambiguous.getMessage().contains("prod, staging"));
        config.setDefaultTarget("staging");
        assertEquals("staging", config.resolve(null).getName());
        assertEquals("prod", config.resolve("prod").getName());
        AbortException unknown = assertThrows(AbortException.class, () -> config.resolve("qa"));
        assertTrue(unknown.getMessage().contains("No Python publishing target named 'qa'"));
    }

    @Test
    void aCredentialThatNoLongerExistsIsAnErrorOnTheForm(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "aws-publisher", "publisher keys", "AKIAEXAMPLE", "not-a-real-secret"));
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(
                CredentialsScope.GLOBAL, "slack-webhook", "webhook", Secret.fromString("https://hooks.example/secret-path")));
        SystemCredentialsProvider.getInstance().save();
        PublishTarget.DescriptorImpl d = j.jenkins.getDescriptorByType(PublishTarget.DescriptorImpl.class);

        assertEquals(FormValidation.Kind.OK, d.doCheckCredentialsId("aws-publisher").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckCredentialsId("").kind, "none: the AWS default chain");
        FormValidation gone = d.doCheckCredentialsId("deleted-keys");
        assertEquals(FormValidation.Kind.ERROR, gone.kind);
        assertTrue(gone.getMessage().contains("deleted-keys") && gone.getMessage().contains("do not exist"), gone.getMessage());
        FormValidation wrongKind = d.doCheckCredentialsId("slack-webhook");
        assertEquals(FormValidation.Kind.ERROR, wrongKind.kind, "a secret text is not AWS keys");

        assertEquals(FormValidation.Kind.OK, d.doCheckSlackWebhookCredentialsId("slack-webhook").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckSlackWebhookCredentialsId("old-webhook").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckSlackTokenCredentialsId("aws-publisher").kind, "not a secret text");
        assertTrue(!gone.renderHtml().contains("not-a-real-secret") && !wrongKind.renderHtml().contains("secret-path"));
    }

    @Test
    void formValidationUsesCoreRulesAndNeverShowsSecrets(JenkinsRule j) throws Exception {
        PublishTarget.DescriptorImpl d = j.jenkins.getDescriptorByType(PublishTarget.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckBucket("").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckBucket("Not_A_Bucket").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckBucket("acme-packages").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckDefaultStage("Prod").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckDefaultStage("docs").kind, "reserved by the index URLs");
        assertEquals(FormValidation.Kind.OK, d.doCheckDefaultStage("prod").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckIndexUrl("ftp://x").kind);
        assertEquals(FormValidation.Kind.WARNING, d.doCheckIndexUrl("").kind);
        assertEquals(FormValidation.Kind.WARNING, d.doCheckRegion("europe").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckS3Endpoint("minio:9000").kind);

        // Test connection without a bucket fails before any network call, with core's message.
        FormValidation noBucket = d.doTestConnection("", "", "", "", "", "", "", "", "");
        assertEquals(FormValidation.Kind.ERROR, noBucket.kind);
        assertTrue(noBucket.renderHtml().contains("No S3 bucket configured"));

        // An unreachable endpoint is reported as an error that names the credential, not its secret.
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "aws-publisher", "publisher keys", "AKIAEXAMPLE", "super-secret-value"));
        FormValidation unreachable = d.doTestConnection("acme-packages", "", "", "", "", "us-east-1",
                "http://127.0.0.1:9", "http://127.0.0.1:9", "aws-publisher");
        assertEquals(FormValidation.Kind.ERROR, unreachable.kind);
        assertTrue(unreachable.renderHtml().contains("aws-publisher"));
        assertTrue(!unreachable.renderHtml().contains("super-secret-value"));
    }
}
