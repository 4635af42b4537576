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
 * {@code unyankPythonPackage project: 'x', version: '1.2.0', stage: 'prod'}: undoes a yank (core's
 * {@link ReleaseLifecycle#unyank}), as {@code pypub unyank} does; an unpinned {@code latest} moves
 * back up if this is the highest version again.
 */
public class UnyankPythonPackageStep extends LifecycleStep {
    private final String project;
    private final String version;
    private final String stage;

    @DataBoundConstructor
    public UnyankPythonPackageStep(String project, String version, String stage) {
        this.project = trim(project);
        this.version = trim(version);
        this.stage = trim(stage);
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

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends LifecycleExecution {
        private static final long serialVersionUID = 1L;
        private final transient UnyankPythonPackageStep step;

        Execution(UnyankPythonPackageStep step, StepContext context) {
            super(context, step.getTarget());
            this.step = step;
        }

        @Override
        protected PypubOperation failed(String target, String message) {
            return PypubOperation.failed("unyank", target, step.project, step.version, step.stage, null, message);
        }

        @Override
        protected String describe() {
            return "Unyanking " + step.project + " " + step.version + " in stage '" + step.stage + "'";
        }

        @Override
        protected Map<String, Object> operate(AwsClients aws, PublishTarget target, String actor, PublishLog log,
                Notifier notifier) {
            ReleaseLifecycle lifecycle = ReleaseLifecycle.on(aws).notifying(notifier, log);
            return LifecycleSteps.result(lifecycle.unyank(Stage.of(step.stage), step.project, step.version, actor),
                    PublishPythonPackageExecution.indexUrl(target, log));
        }
    }

    @Extension
    @Symbol("unyankPythonPackage")
    public static class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return "unyankPythonPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Unyank a Python package release";
        }
    }
}
