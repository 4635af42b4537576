package io.pypub.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishSummary;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsSettings;
import io.pypub.jenkins.slack.SlackNotices;
import java.io.IOException;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs a {@link PublishPythonPackageStep} on a background thread of the controller (never the CPS
 * thread): resolve the target and credentials here, publish on the agent ({@link PublishOnAgent}),
 * then, back here, record the result on the build and notify Slack with the notice core's
 * pipeline produced. Slack is posted from the controller on purpose; see {@link PublishOnAgent}.
 */
final class PublishPythonPackageExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;

    private final transient PublishPythonPackageStep step;

    PublishPythonPackageExecution(PublishPythonPackageStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    /** What is known about the publish so far, for the build page if it fails. */
    private static final class Attempt {
        String target;
        String stage;
        String project;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        Attempt attempt = new Attempt();
        attempt.target = step.getTarget();
        attempt.stage = step.getStage();
        try {
            return publish(run, attempt);
        } catch (InterruptedException e) {
            throw e; // aborted by a user: not a failed publish
        } catch (Exception e) {
            // Every failure is on the build page too, not only in the log: what, where and why.
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String what = attempt.project != null ? attempt.project : "the project in '" + step.getPath() + "'";
            PythonPackageAction.record(run, PypubOperation.failed("publish", attempt.target, what, null,
                    attempt.stage, null, message.startsWith("Publishing failed: ")
                            ? message.substring("Publishing failed: ".length()) : message));
            throw e;
        }
    }

    private Map<String, Object> publish(Run<?, ?> run, Attempt attempt) throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        FilePath workspace = getContext().get(FilePath.class);
        EnvVars env = getContext().get(EnvVars.class);

        PublishTarget target = PythonPublisherConfiguration.get().resolve(step.getTarget());
        attempt.target = target.getName();
        Stage stage = stage(target);
        attempt.stage = stage.name();
        String publishedBy = publishedBy(run);
        String sourceRevision = Util.fixEmptyAndTrim(env.get("GIT_COMMIT"));
        FilePath projectDir = workspace.child(step.getPath());
        PublishLog log = new ListenerPublishLog(listener);
        Notifier slack = SlackNotices.forStep(step, target, run, log, new TargetThreads(target, run));

        PublishOnAgent.Options options = PublishOnAgent.Options.of(step, stage, indexUrl(target, log), publishedBy, sourceRevision)
                .provenance(BuildProvenance.of(run, env, workspace));
        try {
            // The step's own parameters first, with core's rules (e.g. the version suffix): a wrong
            // parameter is reported as such, whatever state the workspace, credentials or agent are in.
            options.validate();
        } catch (IllegalArgumentException e) {
            slack.failed(new FailureNotice(null, projectDir.getRemote(), stage.name(), e.getMessage(), publishedBy, sourceRevision), log);
            throw new AbortException("Publishing failed: " + e.getMessage());
        }
        AwsSettings settings;
        try {
            // Checked here with core's catalogue (a missing bucket, a bad endpoint), then sent to the agent as it is.
            settings = target.toSettings().toAwsSettings();
        } catch (IllegalArgumentException e) {
            slack.failed(new FailureNotice(null, projectDir.getRemote(), stage.name(), e.getMessage(), publishedBy, sourceRevision), log);
            throw new AbortException("Publishing failed: " + e.getMessage());
        }

        PublishOutcome outcome;
        try {
            AwsKeys keys = AwsCredentialsResolver.forBuild(target.getCredentialsId(), run);
            checkProjectFolder(workspace, projectDir);
            listener.getLogger().println("[pypub] Publishing " + projectDir.getRemote() + " to stage '" + stage
                    + "' of target '" + target.getName() + "' (" + (keys == null
                            ? "AWS default credential chain of the agent" : keys.toString()) + ")");
            outcome = projectDir.act(new PublishOnAgent(settings, keys, options, env, listener));
        } catch (InterruptedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Before the pipeline ran (configuration, credentials, workspace) or the agent went away.
            slack.failed(new FailureNotice(null, projectDir.getRemote(), stage.name(), e.getMessage(), publishedBy, sourceRevision), log);
            throw e;
        }

        if (!outcome.succeeded()) {
            FailureNotice notice = outcome.failedNotice();
            if (notice != null) {
                attempt.project = notice.project();
            }
            slack.failed(notice != null ? notice
                    : new FailureNotice(null, projectDir.getRemote(), stage.name(), outcome.error(), publishedBy, sourceRevision), log);
            throw new AbortException("Publishing failed: " + outcome.error());
        }

        PublishSummary summary = outcome.summary();
        PythonPackageAction.record(run, target.getName(), outcome.published(), summary.indexUrl(), summary.docsUrl(),
                summary.installCommand(), sourceRevision, Util.fixEmptyAndTrim(env.get("NODE_NAME")), summary.releaseUrl());
        if (summary.installCommand() != null) {
            listener.getLogger().println("[pypub] Install with: " + summary.installCommand());
        }
        PublishNotice notice = outcome.publishedNotice();
        if (notice != null) {
            slack.published(notice, log);
        }
        return summary.toMap();
    }

    /**
     * The project folder must exist. A workspace that does not exist yet (a fresh {@code node {}}
     * before any checkout) is an empty folder: say that, rather than "no folder '.'".
     */
    private void checkProjectFolder(FilePath workspace, FilePath projectDir) throws IOException, InterruptedException {
        boolean workspaceItself = ".".equals(step.getPath()) || "./".equals(step.getPath());
        if (projectDir.isDirectory() && !(workspaceItself && projectDir.list().isEmpty())) {
            return;
        }
        if (workspaceItself || !workspace.isDirectory()) {
            throw new AbortException("The workspace " + workspace.getRemote() + " is empty (nothing has been checked out "
                    + "or created in it yet), so there is no Python project to publish: check the project out first "
                    + "(checkout scm, git ...) or set path: to its folder.");
        }
        throw new AbortException("No folder '" + step.getPath() + "' in the workspace " + workspace.getRemote()
                + ": set path: to the folder of the Python project.");
    }

    private Stage stage(PublishTarget target) throws AbortException {
        String stage = step.getStage() != null ? step.getStage() : target.getDefaultStage();
        if (stage == null) {
            throw new AbortException("No stage: pass stage: 'dev' (or test, prod, ...) or set a default stage on target '"
                    + target.getName() + "'.");
        }
        try {
            return Stage.of(stage);
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * The target's index URL if core accepts it (links and install command), else null with a
     * warning: a bad URL must cost the links, not the publish.
     */
    static String indexUrl(PublishTarget target, PublishLog log) {
        String url = target.getIndexUrl();
        if (url == null) {
            return null;
        }
        String problem = io.pypub.core.config.Settings.INDEX_URL.check(url); // the rule of the command line and the index
        if (problem != null) {
            log.warn("Index URL of target '" + target.getName() + "' ignored: " + problem + ".");
            return null;
        }
        return url;
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
