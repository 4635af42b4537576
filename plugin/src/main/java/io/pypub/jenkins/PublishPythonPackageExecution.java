package io.pypub.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.pypub.core.release.Stage;
import io.pypub.jenkins.slack.SlackNotices;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs a {@link PublishPythonPackageStep} on a background thread (never the CPS thread): resolve
 * the target and credentials on the controller, publish on the agent, then record the result on
 * the build and tell Slack.
 */
final class PublishPythonPackageExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;

    private final transient PublishPythonPackageStep step;

    PublishPythonPackageExecution(PublishPythonPackageStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        TaskListener listener = getContext().get(TaskListener.class);
        FilePath workspace = getContext().get(FilePath.class);
        EnvVars env = getContext().get(EnvVars.class);

        PublishTarget target = PythonPublisherConfiguration.get().resolve(step.getTarget());
        String stage = stage(target);
        SlackNotices slack = SlackNotices.forStep(step, target, run, listener);
        try {
            checkOptionsCoreSupports(listener);
            AwsKeys keys = AwsCredentialsResolver.forBuild(target.getCredentialsId(), run);
            FilePath projectDir = workspace.child(step.getPath());
            if (!projectDir.isDirectory()) {
                throw new AbortException("No folder '" + step.getPath() + "' in the workspace " + workspace.getRemote()
                        + ": set path: to the folder of the Python project.");
            }
            listener.getLogger().println("[pypub] Publishing " + projectDir.getRemote() + " to stage '" + stage
                    + "' of target '" + target.getName() + "' (" + (keys == null
                            ? "AWS default credential chain of the agent" : keys.toString()) + ")");

            PublishedPackage published = projectDir.act(new PublishOnAgent(target.toSettings(), keys, stage, step.getPython(),
                    step.isWheel(), step.isBuildIsolation(), step.isOverwrite(), publishedBy(run), env.get("GIT_COMMIT"), env, listener));

            // TODO(core): true once core publishes docs (PublishResult will say whether it did).
            PackageLinks links = new PackageLinks(target, published, false);
            PythonPackageAction.record(run, published, links);
            listener.getLogger().println("[pypub] Install with: " + links.installCommand());
            slack.published(published, links.indexUrl(), links.installCommand());
            return links.toStepResult();
        } catch (InterruptedException e) {
            throw e; // aborted by a user: not a failed publish
        } catch (Exception e) {
            slack.failed(stage, e.getMessage());
            throw e;
        }
    }

    private String stage(PublishTarget target) throws AbortException {
        String stage = step.getStage() != null ? step.getStage() : target.getDefaultStage();
        if (stage == null) {
            throw new AbortException("No stage: pass stage: 'dev' (or test, prod, ...) or set a default stage on target '"
                    + target.getName() + "'.");
        }
        try {
            return Stage.of(stage).name();
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * Options the step accepts already but core's pipeline does not have yet. Those that would
     * publish something other than what was asked for stop the build; the others warn.
     */
    private void checkOptionsCoreSupports(TaskListener listener) throws AbortException {
        // TODO(core): PublishRequest.versionSuffix(...) — until then a suffix would silently publish the plain version.
        if (step.getVersionSuffix() != null) {
            throw new AbortException("versionSuffix: '" + step.getVersionSuffix() + "' is not supported by this version of "
                    + "pypub yet; nothing was published. Set the version in the project for now.");
        }
        // TODO(core): PublishRequest.setLatest(false) — core always applies the 'latest' rule today.
        if (!step.isSetLatest()) {
            throw new AbortException("setLatest: false is not supported by this version of pypub yet; nothing was published.");
        }
        // TODO(core): PublishRequest.docs(modules) — pdoc build and upload to docs/{stage}/{project}/{version}/.
        if (step.isDocs() || step.getDocsModules() != null) {
            listener.getLogger().println("[pypub] Note: documentation publishing (pdoc) is not available in this version yet; "
                    + "publishing the package files only.");
        }
    }

    private static String publishedBy(Run<?, ?> run) {
        String root = Jenkins.get().getRootUrl();
        return root != null ? root + run.getUrl() : run.getExternalizableId();
    }

    @Override
    public String getStatus() {
        return "publishing a Python package: " + super.getStatus();
    }
}
