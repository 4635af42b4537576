package io.pypub.jenkins;

import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * What the release lifecycle steps share: the optional {@code target} and a descriptor that needs
 * no workspace (they run on the controller, see {@link LifecycleExecution}) and checks names,
 * versions and stages with core's rules.
 */
public abstract class LifecycleStep extends Step {
    private String target;

    public String getTarget() {
        return target;
    }

    /** Name of the publishing target; default: the configured default target. */
    @DataBoundSetter
    public void setTarget(String target) {
        this.target = Util.fixEmptyAndTrim(target);
    }

    static String trim(String value) {
        return Util.fixEmptyAndTrim(value);
    }

    public abstract static class LifecycleDescriptor extends StepDescriptor {

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            // No FilePath/Launcher: usable outside node {}, e.g. after an input step.
            return Set.of(Run.class, TaskListener.class);
        }

        /** Target names for the snippet generator and the step's form; keeps the current value (see there). */
        public ListBoxModel doFillTargetItems(@QueryParameter String target) {
            return PythonPublisherConfiguration.targetItems(target);
        }

        @POST
        public FormValidation doCheckTarget(@QueryParameter String value) {
            return PythonPublisherConfiguration.checkTarget(value);
        }

        @POST
        public FormValidation doCheckProject(@QueryParameter String value) {
            return check(value, "The project name is required.", v -> ProjectName.of(v));
        }

        @POST
        public FormValidation doCheckVersion(@QueryParameter String value) {
            return check(value, "The version is required.", v -> Version.parse(v));
        }

        @POST
        public FormValidation doCheckStage(@QueryParameter String value) {
            return check(value, "The stage is required, e.g. prod.", v -> Stage.of(v));
        }

        @POST
        public FormValidation doCheckReason(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null
                    ? FormValidation.error("A reason is required: it is shown to users and kept in the audit trail.")
                    : FormValidation.ok();
        }

        /** Core's rule for a value; values with ${...} are expanded by Groovy later and not checked. */
        static FormValidation check(String value, String missing, java.util.function.Consumer<String> rule) {
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.error(missing);
            }
            if (v.contains("$")) {
                return FormValidation.ok();
            }
            try {
                rule.accept(v);
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
