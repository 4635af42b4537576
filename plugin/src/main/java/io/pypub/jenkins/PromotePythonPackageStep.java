package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.util.FormValidation;
import io.pypub.core.lifecycle.ReleasePromoter;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.Stage;
import io.pypub.core.notify.Notifier;
import io.pypub.core.storage.AwsClients;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code promotePythonPackage project: 'x', version: '1.2.0', from: 'test', to: 'prod'}: copies a
 * tested release's exact files (sha256-verified), metadata and docs to another stage and records it
 * there, without rebuilding (core's {@link ReleasePromoter}), as {@code pypub promote} does. A no-op
 * if the target stage has the same bytes; refused if it has different ones.
 */
public class PromotePythonPackageStep extends LifecycleStep {
    private final String project;
    private final String version;
    private final String from;
    private final String to;

    @DataBoundConstructor
    public PromotePythonPackageStep(String project, String version, String from, String to) {
        this.project = trim(project);
        this.version = trim(version);
        this.from = trim(from);
        this.to = trim(to);
    }

    public String getProject() {
        return project;
    }

    public String getVersion() {
        return version;
    }

    public String getFrom() {
        return from;
    }

    public String getTo() {
        return to;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends LifecycleExecution {
        private static final long serialVersionUID = 1L;
        private final transient PromotePythonPackageStep step;

        Execution(PromotePythonPackageStep step, StepContext context) {
            super(context, step.getTarget());
            this.step = step;
        }

        @Override
        protected PypubOperation failed(String target, String message) {
            return PypubOperation.failed("promote", target, step.project, step.version, step.to, step.from, message);
        }

        @Override
        protected String describe() {
            return "Promoting " + step.project + " " + step.version + " from stage '" + step.from + "' to '" + step.to + "'";
        }

        @Override
        protected Map<String, Object> operate(AwsClients aws, PublishTarget target, String actor, PublishLog log,
                Notifier notifier) {
            return LifecycleSteps.result(
                    ReleasePromoter.on(aws).notifying(notifier).promote(step.project, step.version, Stage.of(step.from), Stage.of(step.to), actor, log),
                    PublishPythonPackageExecution.indexUrl(target, log));
        }
    }

    @Extension
    @Symbol("promotePythonPackage")
    public static class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return "promotePythonPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Promote a Python package release to another stage (same files, no rebuild)";
        }

        @POST
        public FormValidation doCheckFrom(@QueryParameter String value) {
            return doCheckStage(value);
        }

        @POST
        public FormValidation doCheckTo(@QueryParameter String value) {
            return doCheckStage(value);
        }
    }
}
