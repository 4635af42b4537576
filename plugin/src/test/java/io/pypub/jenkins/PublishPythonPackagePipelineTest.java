package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A real publish from a pipeline on a separate agent JVM, so core and the AWS SDK travel by
 * remoting as in production.
 *
 * <p>Needs core's test harness ({@link TestEnvironment}, from pypub-core's test-jar): Python 3 with
 * the venv module on the machine, from which it builds the pinned tool environment under
 * target/pyenv, and the local S3 and DynamoDB API servers it starts on loopback. Each test gets its
 * own bucket and tables ({@link TestEnvironment#newDeployment()}).
 */
@WithJenkins
class PublishPythonPackagePipelineTest {

    @Test
    void publishesTheExampleFromAnAgentAndRecordsIt(JenkinsRule j) throws Exception {
        TestEnvironment env = TestEnvironment.get();
        try (Deployment deployment = env.newDeployment()) {
            configureTarget(deployment);
            DumbSlave agent = j.createOnlineSlave();
            WorkflowJob p = j.createProject(WorkflowJob.class, "publish-hello");
            FilePath workspace = agent.getWorkspaceFor(p);
            new FilePath(env.example("hello-package").toFile()).copyRecursiveTo(workspace.child("hello-package"));
            p.setDefinition(new CpsFlowDefinition(
                    "node('" + agent.getNodeName() + "') {\n"
                            + "  def r = publishPythonPackage path: 'hello-package', python: '" + env.python().python()
                            + "', buildIsolation: false, slack: false\n"
                            + "  echo \"RESULT ${r.project} ${r.version} ${r.stage} ${r.files.size()} files latest ${r.latest} moved ${r.latestMoved}\"\n"
                            + "  echo \"SHA ${r.files[0].filename} ${r.files[0].sha256} ${r.files[0].key}\"\n"
                            + "  echo \"INDEX ${r.indexUrl}\"\n"
                            + "  echo \"DOCS ${r.docsUrl}\"\n"
                            + "  echo \"PAGES ${r.releaseUrl} ${r.projectUrl}\"\n"
                            + "}", true));

            WorkflowRun b = j.buildAndAssertSuccess(p);

            j.assertLogContains("RESULT hello-package 0.1.0 dev 2 files latest 0.1.0 moved true", b);
            j.assertLogContains("INDEX https://pypi.example.com/dev/simple/hello-package/", b);
            j.assertLogContains("DOCS https://pypi.example.com/dev/docs/hello-package/0.1.0/", b);
            j.assertLogContains("PAGES https://pypi.example.com/dev/-/project/hello-package/0.1.0/ "
                    + "https://pypi.example.com/dev/-/project/hello-package/", b);
            j.assertLogContains("pip install --index-url https://pypi.example.com/dev/simple/ hello-package==0.1.0", b);
            j.assertLogNotContains("embedded-secret", b);

            Release recorded = deployment.versions().release(Stage.of("dev"), "hello-package", Version.parse("0.1.0")).orElseThrow();
            assertEquals(2, recorded.files().size());
            assertNotNull(recorded.docsPrefix(), "docs are published by default");
            j.assertLogContains("SHA " + recorded.files().get(0).filename() + " " + recorded.files().get(0).sha256() + " "
                    + recorded.files().get(0).objectKey(), b);
            assertTrue(recorded.publishedBy().contains("publish-hello"), recorded.publishedBy());
            // Provenance: the build that published, from the Run, kept with the release.
            assertEquals("publish-hello", recorded.provenance().job());
            assertEquals(Integer.toString(b.getNumber()), recorded.provenance().buildNumber());
            assertEquals(j.getURL().toString(), recorded.provenance().jenkinsUrl());
            assertEquals(j.getURL() + b.getUrl(), recorded.provenance().buildUrl());
            assertEquals(agent.getNodeName(), recorded.provenance().agent());
            assertNotNull(recorded.provenance().pluginVersion(), "the pypub plugin's version");

            PythonPackageAction action = b.getAction(PythonPackageAction.class);
            assertNotNull(action);
            assertEquals(1, action.getOperations().size());
            PypubOperation published = action.getOperations().get(0);
            assertEquals("Published", published.getTitle());
            assertEquals("0.1.0", published.getVersion());
            assertEquals("dev", published.getStage());
            assertEquals("local", published.getTarget());
            assertEquals(agent.getNodeName(), published.getAgent(), "built on the agent, and the build page says so");
            assertEquals("https://pypi.example.com/dev/-/project/hello-package/0.1.0/", published.getReleaseUrl());
            assertEquals("https://pypi.example.com/dev/docs/hello-package/0.1.0/", published.getDocsUrl());
            assertEquals("https://pypi.example.com/dev/docs/hello-package/0.1.0/", published.getDocsUrl());
            // The build page, rendered, with what the real publish recorded.
            try (JenkinsRule.WebClient wc = j.createWebClient()) {
                String page = wc.getPage(b).asNormalizedText();
                assertTrue(page.contains(recorded.files().get(0).filename()), page);
                assertTrue(page.contains("stage 'dev' of target 'local'"), page);
            }

            // Releases are immutable: the same version again fails and says how to proceed, also on the build page.
            WorkflowRun again = j.buildAndAssertStatus(Result.FAILURE, p);
            j.assertLogContains("already published", again);
            j.assertLogNotContains("[pypub] Built ", again); // refused before building: the version is in pyproject.toml
            PypubOperation refused = again.getAction(PythonPackageAction.class).getOperations().get(0);
            assertEquals("Publish failed", refused.getTitle());
            assertTrue(refused.getMessage().contains("already published"), refused.getMessage());

            // A version suffix makes each build its own version (setuptools), and the workspace is left as it was.
            p.setDefinition(new CpsFlowDefinition(
                    "node('" + agent.getNodeName() + "') {\n"
                            + "  def r = publishPythonPackage path: 'hello-package', python: '" + env.python().python()
                            + "', buildIsolation: false, docs: false, slack: false, versionSuffix: \".dev${BUILD_NUMBER}\"\n"
                            + "  echo \"SUFFIXED ${r.version} docs ${r.docsUrl}\"\n"
                            + "}", true));
            WorkflowRun suffixed = j.buildAndAssertSuccess(p);
            j.assertLogContains("SUFFIXED 0.1.0.dev3 docs null", suffixed);
            assertTrue(deployment.versions().release(Stage.of("dev"), "hello-package", Version.parse("0.1.0.dev3")).isPresent());
            assertTrue(!workspace.child("hello-package/setup.cfg").exists(), "setup.cfg restored (there was none)");
        }
    }

    private static void configureTarget(Deployment deployment) throws Exception {
        // The local servers accept any keys; these are the ones core's harness signs with.
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
        target.setIndexUrl("https://pypi.example.com/");
        target.setDefaultStage("dev");
        PythonPublisherConfiguration.get().setTargets(List.of(target));
    }
}
