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
 * {@code rollbackPythonPackage project: 'x', version: '1.2.0', stage: 'prod', reason: '...'}: pins
 * {@code latest} to an existing release that is not yanked (core's {@link ReleaseLifecycle#rollback}),
 * as {@code pypub rollback} does. Publishing leaves the pin in place until {@code unpinPythonPackage}.
 */
public class RollbackPythonPackageStep extends LifecycleStep {
    private final String project;
    private final String version;
    private final String stage;
    private final String reason;

    @DataBoundConstructor
    public RollbackPythonPackageStep(String project, String version, String stage, String reason) {
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
        private final transient RollbackPythonPackageStep step;

        Execution(RollbackPythonPackageStep step, StepContext context) {
            super(context, step.getTarget());
            this.step = step;
        }

        @Override
        protected PypubOperation failed(String target, String message) {
            return PypubOperation.failed("rollback", target, step.project, step.version, step.stage, null, message);
        }

        @Override
        protected String describe() {
            return "Rolling back latest of " + step.project + " in stage '" + step.stage + "' to " + step.version;
        }

        @Override
        protected Map<String, Object> operate(AwsClients aws, PublishTarget target, String actor, PublishLog log,
                Notifier notifier) {
            ReleaseLifecycle lifecycle = ReleaseLifecycle.on(aws).notifying(notifier, log);
            return LifecycleSteps.result(lifecycle.rollback(Stage.of(step.stage), step.project, step.version, step.reason, actor),
                    PublishPythonPackageExecution.indexUrl(target, log));
        }
    }

    @Extension
    @Symbol("rollbackPythonPackage")
    public static class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return "rollbackPythonPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Roll back a Python package: pin latest to an earlier release";
        }
    }
}
