package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import hudson.util.FormValidation;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.cps.Snippetizer;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The step's form, snippet and the failures that happen before anything is built or uploaded. */
@WithJenkins
class PublishPythonPackageStepTest {

    private static PublishPythonPackageStep everyOption() {
        PublishPythonPackageStep step = new PublishPythonPackageStep();
        step.setTarget("prod");
        step.setStage("test");
        step.setPath("libs/hello");
        step.setPython("/opt/python/bin/python3");
        step.setWheel(false);
        step.setBuildIsolation(false);
        step.setDocs(false);
        step.setDocsModules("hello_package hello_package.cli");
        step.setVersionSuffix(".dev${BUILD_NUMBER}");
        step.setOverwrite(true);
        step.setBuildTimeout(45);
        step.setSlackChannel("#python-releases");
        step.setSlack(false);
        return step;
    }

    @Test
    void formRoundTripKeepsEveryOption(JenkinsRule j) throws Exception {
        PythonPublisherConfiguration.get().setTargets(List.of(PythonPublisherConfigurationTest.fullTarget("prod")));
        StepConfigTester tester = new StepConfigTester(j);

        PublishPythonPackageStep before = everyOption();
        j.assertEqualDataBoundBeans(before, tester.configRoundTrip(before));

        PublishPythonPackageStep defaults = new PublishPythonPackageStep();
        j.assertEqualDataBoundBeans(defaults, tester.configRoundTrip(defaults));
    }

    @Test
    void snippetGeneratorWritesOnlyWhatDiffersFromTheDefaults(JenkinsRule j) throws Exception {
        PublishPythonPackageStep step = new PublishPythonPackageStep();
        step.setStage("dev");
        assertEquals("publishPythonPackage stage: 'dev'", Snippetizer.object2Groovy(step));

        String all = Snippetizer.object2Groovy(everyOption());
        assertTrue(all.startsWith("publishPythonPackage "), all);
        for (String expected : List.of("target: 'prod'", "stage: 'test'", "path: 'libs/hello'", "wheel: false",
                "buildIsolation: false", "docs: false", "overwrite: true", "buildTimeout: 45", "slack: false",
                "slackChannel: '#python-releases'")) {
            assertTrue(all.contains(expected), expected + " in " + all);
        }
    }

    @Test
    void needsANode(JenkinsRule j) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "no-node");
        p.setDefinition(new CpsFlowDefinition("publishPythonPackage stage: 'dev'", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("Required context class", b);
    }

    @Test
    void saysWhatToConfigureWhenThereIsNoTarget(JenkinsRule j) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "no-target");
        p.setDefinition(new CpsFlowDefinition("node { publishPythonPackage stage: 'dev' }", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("No Python publishing target is configured", b);
    }

    @Test
    void rejectsAnInvalidStageWithCoresMessage(JenkinsRule j) throws Exception {
        PythonPublisherConfiguration.get().setTargets(List.of(PythonPublisherConfigurationTest.fullTarget("prod")));
        WorkflowJob p = j.createProject(WorkflowJob.class, "bad-stage");
        p.setDefinition(new CpsFlowDefinition("node { publishPythonPackage stage: 'Prod' }", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("Invalid stage 'Prod'", b);
    }

    @Test
    void rejectsAnInvalidVersionSuffixWithCoresMessageBeforeBuilding(JenkinsRule j) throws Exception {
        // No credentials: the AWS default chain; nothing is contacted, core refuses the request first.
        PublishTarget target = new PublishTarget("plain");
        target.setBucket("acme-packages");
        target.setDefaultStage("dev");
        PythonPublisherConfiguration.get().setTargets(List.of(target));
        WorkflowJob p = j.createProject(WorkflowJob.class, "bad-suffix");
        p.setDefinition(new CpsFlowDefinition("node { publishPythonPackage versionSuffix: 'not a suffix', slack: false }", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("Publishing failed: Invalid version suffix 'not a suffix'", b);
        j.assertLogNotContains("[pypub] Building", b);
        // On the build page too: what failed, where, why.
        PypubOperation failed = b.getAction(PythonPackageAction.class).getOperations().get(0);
        assertEquals("Publish failed", failed.getTitle());
        assertEquals("stage 'dev' of target 'plain'", failed.getWhere());
        assertTrue(failed.getMessage().startsWith("Invalid version suffix 'not a suffix'"), failed.getMessage());
    }

    @Test
    void saysSoWhenTheWorkspaceIsEmpty(JenkinsRule j) throws Exception {
        PublishTarget target = new PublishTarget("plain");
        target.setBucket("acme-packages");
        target.setDefaultStage("dev");
        PythonPublisherConfiguration.get().setTargets(List.of(target));
        WorkflowJob p = j.createProject(WorkflowJob.class, "empty-workspace");
        // A fresh node {}: nothing checked out, the workspace folder does not even exist yet.
        p.setDefinition(new CpsFlowDefinition("node { publishPythonPackage slack: false }", true));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("is empty (nothing has been checked out or created in it yet)", b);
        j.assertLogNotContains("No folder '.'", b);

        // A sub-folder that is not there in a workspace that is: named as such.
        p.setDefinition(new CpsFlowDefinition(
                "node { writeFile file: 'README.md', text: 'x'\n publishPythonPackage path: 'libs/hello', slack: false }", true));
        WorkflowRun missing = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("No folder 'libs/hello' in the workspace", missing);
    }

    @Test
    void formChecksTheVersionSuffixWithCoresRule(JenkinsRule j) {
        PublishPythonPackageStep.DescriptorImpl d = j.jenkins.getDescriptorByType(PublishPythonPackageStep.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckVersionSuffix(".dev42").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckVersionSuffix(".dev${BUILD_NUMBER}").kind, "expanded by Groovy, not checked");
        assertEquals(FormValidation.Kind.ERROR, d.doCheckVersionSuffix("-nightly build").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckBuildTimeout("0").kind);
    }

    @Test
    void docsModulesAreSplitOnSpacesAndCommas(JenkinsRule j) {
        PublishPythonPackageStep step = new PublishPythonPackageStep();
        assertEquals(List.of(), step.docsModuleList());
        step.setDocsModules(" hello_package, hello_package.cli  other ");
        assertEquals(List.of("hello_package", "hello_package.cli", "other"), step.docsModuleList());
    }
}
