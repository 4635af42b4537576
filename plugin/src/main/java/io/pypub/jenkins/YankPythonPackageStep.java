package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.Stage;
import io.pypub.core.notify.Notifier;
import io.pypub.core.storage.AwsClients;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code yankPythonPackage project: 'x', version: '1.2.0', stage: 'prod', reason: '...'}: yanks a
 * release (PEP 592; core's {@link ReleaseLifecycle#yank}), as {@code pypub yank} does: installers
 * skip it unless asked for it exactly, and an unpinned {@code latest} moves to the highest version
 * that is not yanked. {@code unyankPythonPackage} undoes it.
 */
public class YankPythonPackageStep extends LifecycleStep {
    private final String project;
    private final String version;
    private final String stage;
    private final String reason;

    @DataBoundConstructor
    public YankPythonPackageStep(String project, String version, String stage, String reason) {
        this.project = trim(project);
        this.version = trim(version);
        this.stage = trim(stage);
        this.reason = trim(reason);
    }

    public String getProject() {
        return project;
    }

    public String getVersion() {
        return version;
    }

    public String getStage() {
        return stage;
    }

    public String getReason() {
        return reason;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends LifecycleExecution {
        private static final long serialVersionUID = 1L;
        private final transient YankPythonPackageStep step;

        Execution(YankPythonPackageStep step, StepContext context) {
            super(context, step.getTarget());
            this.step = step;
        }

        @Override
        protected PypubOperation failed(String target, String message) {
            return PypubOperation.failed("yank", target, step.project, step.version, step.stage, null, message);
        }

        @Override
        protected String describe() {
            return "Yanking " + step.project + " " + step.version + " in stage '" + step.stage + "'";
        }

        @Override
        protected Map<String, Object> operate(AwsClients aws, PublishTarget target, String actor, PublishLog log,
                Notifier notifier) {
            ReleaseLifecycle lifecycle = ReleaseLifecycle.on(aws).notifying(notifier, log);
            return LifecycleSteps.result(lifecycle.yank(Stage.of(step.stage), step.project, step.version, step.reason, actor),
                    PublishPythonPackageExecution.indexUrl(target, log));
        }
    }

    @Extension
    @Symbol("yankPythonPackage")
    public static class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return "yankPythonPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Yank a Python package release (PEP 592)";
        }
    }
}
