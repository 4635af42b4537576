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
 * {@code unpinPythonPackage project: 'x', stage: 'prod'}: releases a rollback's pin, so {@code latest}
 * is the highest version that is not yanked again (core's {@link ReleaseLifecycle#unpin}), as
 * {@code pypub unpin} does.
 */
public class UnpinPythonPackageStep extends LifecycleStep {
    private final String project;
    private final String stage;

    @DataBoundConstructor
    public UnpinPythonPackageStep(String project, String stage) {
        this.project = trim(project);
        this.stage = trim(stage);
    }

    public String getProject() {
        return project;
    }

    public String getStage() {
        return stage;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends LifecycleExecution {
        private static final long serialVersionUID = 1L;
        private final transient UnpinPythonPackageStep step;

        Execution(UnpinPythonPackageStep step, StepContext context) {
            super(context, step.getTarget());
            this.step = step;
        }

        @Override
        protected PypubOperation failed(String target, String message) {
            return PypubOperation.failed("unpin", target, step.project, null, step.stage, null, message);
        }

        @Override
        protected String describe() {
            return "Unpinning latest of " + step.project + " in stage '" + step.stage + "'";
        }

        @Override
        protected Map<String, Object> operate(AwsClients aws, PublishTarget target, String actor, PublishLog log,
                Notifier notifier) {
            ReleaseLifecycle lifecycle = ReleaseLifecycle.on(aws).notifying(notifier, log);
            return LifecycleSteps.result(lifecycle.unpin(Stage.of(step.stage), step.project, actor),
                    PublishPythonPackageExecution.indexUrl(target, log));
        }
    }

    @Extension
    @Symbol("unpinPythonPackage")
    public static class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return "unpinPythonPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Unpin a Python package: latest follows the highest version again";
        }
    }
}
