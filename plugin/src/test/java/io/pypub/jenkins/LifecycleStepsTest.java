package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Result;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.cps.Snippetizer;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The lifecycle steps against a real deployment (core's local S3 and DynamoDB servers), outside
 * {@code node}: they run on the controller. Releases are published with core directly, which is
 * faster than a Jenkins publish and not what is tested here.
 */
@WithJenkins
class LifecycleStepsTest {

    @Test
    void promoteYankRollbackUnpinUnyankFromAPipelineWithoutANode(JenkinsRule j) throws Exception {
        TestEnvironment env = TestEnvironment.get();
        try (Deployment deployment = env.newDeployment()) {
            configureTarget(deployment);
            for (String suffix : new String[] {null, ".post1"}) {
                deployment.pipeline().publish(PublishRequest.builder(env.copyOfExample("hello-package"), Stage.of("test"))
                        .python(env.python().python().toString()).buildIsolation(false).docs(false).versionSuffix(suffix)
                        .publishedBy("test").build(), PublishLog.SILENT);
            }

            WorkflowJob p = j.createProject(WorkflowJob.class, "lifecycle");
            p.setDefinition(new CpsFlowDefinition(String.join("\n",
                    "def p = promotePythonPackage project: 'Hello_Package', version: '0.1.0', from: 'test', to: 'prod'",
                    "echo \"PROMOTED ${p.stage} ${p.version} changed ${p.changed} latest ${p.latest} files ${p.files.size()}\"",
                    "echo \"INSTALL ${p.installCommand}\"",
                    "def again = promotePythonPackage project: 'hello-package', version: '0.1', from: 'test', to: 'prod'",
                    "echo \"AGAIN changed ${again.changed} latest ${again.latest}\"",
                    "promotePythonPackage project: 'hello-package', version: '0.1.0.post1', from: 'test', to: 'prod'",
                    "def y = yankPythonPackage project: 'hello-package', version: '0.1.0.post1', stage: 'prod', reason: 'broken wheel'",
                    "echo \"YANKED changed ${y.changed} latest ${y.latestBefore} -> ${y.latest}\"",
                    "def u = unyankPythonPackage project: 'hello-package', version: '0.1.0.post1', stage: 'prod'",
                    "echo \"UNYANKED latest ${u.latest}\"",
                    "def r = rollbackPythonPackage project: 'hello-package', version: '0.1.0', stage: 'prod', reason: 'regression'",
                    "echo \"ROLLED BACK latest ${r.latest} pinned ${r.latestPinned}\"",
                    "def n = unpinPythonPackage project: 'hello-package', stage: 'prod'",
                    "echo \"UNPINNED latest ${n.latest} pinned ${n.latestPinned}\""), true));

            WorkflowRun b = j.buildAndAssertSuccess(p);

            j.assertLogContains("PROMOTED prod 0.1.0 changed true latest 0.1.0 files 2", b);
            j.assertLogContains("INSTALL pip install --index-url https://pypi.example.com/prod/simple/ hello-package==0.1.0", b);
            j.assertLogContains("AGAIN changed false latest null", b);
            j.assertLogContains("YANKED changed true latest 0.1.0.post1 -> 0.1.0", b);
            j.assertLogContains("UNYANKED latest 0.1.0.post1", b);
            j.assertLogContains("ROLLED BACK latest 0.1.0 pinned true", b);
            j.assertLogContains("UNPINNED latest 0.1.0.post1 pinned false", b);
            j.assertLogNotContains("embedded-secret", b);
            // Each outcome once: core's promote logs its own message, the step must not repeat it.
            String log = JenkinsRule.getLog(b);
            assertEquals(2, occurrences(log, "byte-identical (sha256 verified)"), "two promotions that copied: " + log);
            assertEquals(1, occurrences(log, "already is in stage 'prod' with identical bytes"), log);
            assertEquals(1, occurrences(log, "Yanked hello-package 0.1.0.post1"), log);

            // The build page's record: every operation, in order, with its outcome.
            PythonPackageAction action = b.getAction(PythonPackageAction.class);
            assertEquals(List.of("Promoted", "Promoted", "Promoted", "Yanked", "Unyanked", "Rolled back", "Unpinned"),
                    action.getOperations().stream().map(PypubOperation::getTitle).toList());
            PypubOperation first = action.getOperations().get(0);
            assertEquals("'test' to 'prod' of target 'local'", first.getWhere());
            assertEquals(2, first.getFiles().size());
            assertEquals("https://pypi.example.com/prod/simple/hello-package/", first.getIndexUrl());

            Release promoted = deployment.versions().release(Stage.of("prod"), "hello-package", Version.parse("0.1.0")).orElseThrow();
            Release source = deployment.versions().release(Stage.of("test"), "hello-package", Version.parse("0.1.0")).orElseThrow();
            assertEquals(source.files().get(0).sha256(), promoted.files().get(0).sha256());
            assertTrue(promoted.publishedBy().contains("lifecycle"), "the build is the actor: " + promoted.publishedBy());

            // Core's refusals fail the step with core's message and change nothing.
            WorkflowJob bad = j.createProject(WorkflowJob.class, "refused");
            bad.setDefinition(new CpsFlowDefinition(
                    "yankPythonPackage project: 'hello-package', version: '9.9.9', stage: 'prod', reason: 'x'", true));
            WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, bad);
            j.assertLogContains("9.9.9", refused);
            PypubOperation failed = refused.getAction(PythonPackageAction.class).getOperations().get(0);
            assertEquals("Yank failed", failed.getTitle());
            assertEquals("hello-package 9.9.9", failed.getWhat());
            assertTrue(failed.getMessage().contains("9.9.9"), failed.getMessage());
        }
    }

    @Test
    void formsRoundTripAndSnippetsNameTheOperation(JenkinsRule j) throws Exception {
        StepConfigTester tester = new StepConfigTester(j);
        RollbackPythonPackageStep rollback = new RollbackPythonPackageStep("hello-package", "0.1.0", "prod", "regression");
        rollback.setTarget("prod");
        j.assertEqualDataBoundBeans(rollback, tester.configRoundTrip(rollback));
        PromotePythonPackageStep promote = new PromotePythonPackageStep("hello-package", "0.1.0", "test", "prod");
        j.assertEqualDataBoundBeans(promote, tester.configRoundTrip(promote));
        YankPythonPackageStep yank = new YankPythonPackageStep("hello-package", "0.1.0", "prod", "broken");
        j.assertEqualDataBoundBeans(yank, tester.configRoundTrip(yank));
        UnyankPythonPackageStep unyank = new UnyankPythonPackageStep("hello-package", "0.1.0", "prod");
        j.assertEqualDataBoundBeans(unyank, tester.configRoundTrip(unyank));
        UnpinPythonPackageStep unpin = new UnpinPythonPackageStep("hello-package", "prod");
        j.assertEqualDataBoundBeans(unpin, tester.configRoundTrip(unpin));

        String snippet = Snippetizer.object2Groovy(promote);
        assertTrue(snippet.startsWith("promotePythonPackage "), snippet);
        for (String expected : List.of("project: 'hello-package'", "version: '0.1.0'", "from: 'test'", "to: 'prod'")) {
            assertTrue(snippet.contains(expected), expected + " in " + snippet);
        }
        assertTrue(Snippetizer.object2Groovy(rollback).contains("reason: 'regression'"));
    }

    @Test
    void aTargetThatIsNotConfiguredStaysInTheFormAndIsFlagged(JenkinsRule j) throws Exception {
        PythonPublisherConfiguration.get().setTargets(List.of(PythonPublisherConfigurationTest.fullTarget("staging")));
        YankPythonPackageStep.DescriptorImpl d = j.jenkins.getDescriptorByType(YankPythonPackageStep.DescriptorImpl.class);

        ListBoxModel items = d.doFillTargetItems("prod");
        assertEquals(List.of("", "staging", "prod"), items.stream().map(o -> o.value).toList());
        ListBoxModel.Option kept = items.get(2);
        assertTrue(kept.selected, "the current value is the selected one");
        assertEquals("prod (not configured)", kept.name);
        assertTrue(items.get(1).name.equals("staging") && !items.get(1).selected);

        FormValidation unknown = d.doCheckTarget("prod");
        assertEquals(FormValidation.Kind.ERROR, unknown.kind);
        assertTrue(unknown.getMessage().startsWith("No publishing target named"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("prod") && unknown.getMessage().contains("staging"), unknown.getMessage());
        assertEquals(FormValidation.Kind.OK, d.doCheckTarget("staging").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckTarget("").kind, "the default target");
        assertEquals(FormValidation.Kind.OK, d.doCheckTarget("${TARGET}").kind, "expanded by Groovy, not checked");

        // The same list for the publish step's snippet generator.
        PublishPythonPackageStep.DescriptorImpl publish = j.jenkins.getDescriptorByType(PublishPythonPackageStep.DescriptorImpl.class);
        assertEquals(List.of("", "staging", "prod"), publish.doFillTargetItems("prod").stream().map(o -> o.value).toList());
        assertEquals(FormValidation.Kind.ERROR, publish.doCheckTarget("prod").kind);

        // And through the form: the unconfigured target survives a save.
        UnpinPythonPackageStep unpin = new UnpinPythonPackageStep("hello-package", "prod");
        unpin.setTarget("prod");
        j.assertEqualDataBoundBeans(unpin, new StepConfigTester(j).configRoundTrip(unpin));
    }

    static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static void configureTarget(Deployment deployment) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "local-aws", "local servers", "embedded", "embedded-secret"));
        SystemCredentialsProvider.getInstance().save();
        PublishTarget target = new PublishTarget("local");
        target.setBucket(deployment.settings().bucket());
        target.setVersionTable(deployment.settings().versionTable());
        target.setAccessTable(deployment.settings().accessTable());
        target.setRegion(deployment.settings().region());
        target.setS3Endpoint(deployment.settings().s3Endpoint().toString());
        target.setDynamoEndpoint(deployment.settings().dynamoEndpoint().toString());
        target.setCredentialsId("local-aws");
        target.setIndexUrl("https://pypi.example.com");
        PythonPublisherConfiguration.get().setTargets(List.of(target));
    }
}
