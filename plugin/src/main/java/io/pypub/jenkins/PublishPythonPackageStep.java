package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Stage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code publishPythonPackage stage: 'dev'}: build the Python project in the workspace and
 * publish it to a configured target. Every parameter is optional; the target supplies the
 * defaults. Returns core's publish summary (what {@code pypub publish --json} prints) plus docsUrl.
 *
 * <p>There is no {@code setLatest} parameter: in core, {@code latest} is not set by a publish but
 * computed (the highest version that is not yanked) unless a rollback pinned it, so "publish
 * without moving latest" is a pin, not a flag of the publish.
 */
public class PublishPythonPackageStep extends Step {
    /** Core's default; shown in the form and omitted from snippets when unchanged. */
    static final int DEFAULT_BUILD_TIMEOUT_MINUTES = Integer.parseInt(io.pypub.core.config.Settings.BUILD_TIMEOUT.defaultValue());

    private String target;
    private String stage;
    private String path = ".";
    private String python;
    private String docsPython;
    private boolean wheel = true;
    private boolean buildIsolation = true;
    private boolean docs = true;
    private String docsModules;
    private String versionSuffix;
    private boolean overwrite;
    private boolean failOnPublicName;
    private int buildTimeout = DEFAULT_BUILD_TIMEOUT_MINUTES;
    private String slackChannel;
    private boolean slack = true;

    @DataBoundConstructor
    public PublishPythonPackageStep() {}

    public String getTarget() {
        return target;
    }

    /** Name of the publishing target; default: the configured default target. */
    @DataBoundSetter
    public void setTarget(String target) {
        this.target = Util.fixEmptyAndTrim(target);
    }

    public String getStage() {
        return stage;
    }

    /** Stage to publish to (dev, test, prod, ...); default: the target's default stage. */
    @DataBoundSetter
    public void setStage(String stage) {
        this.stage = Util.fixEmptyAndTrim(stage);
    }

    public String getPath() {
        return path;
    }

    /** Folder of the Python project, relative to the workspace. */
    @DataBoundSetter
    public void setPath(String path) {
        String p = Util.fixEmptyAndTrim(path);
        this.path = p == null ? "." : p;
    }

    public String getPython() {
        return python;
    }

    /** Interpreter that runs {@code python -m build}; default python3 on the agent's PATH. */
    @DataBoundSetter
    public void setPython(String python) {
        this.python = Util.fixEmptyAndTrim(python);
    }

    public String getDocsPython() {
        return docsPython;
    }

    /** Interpreter for pdoc that already has the package's dependencies; default: python, dependencies from the stage. */
    @DataBoundSetter
    public void setDocsPython(String docsPython) {
        this.docsPython = Util.fixEmptyAndTrim(docsPython);
    }

    public boolean isWheel() {
        return wheel;
    }

    @DataBoundSetter
    public void setWheel(boolean wheel) {
        this.wheel = wheel;
    }

    public boolean isBuildIsolation() {
        return buildIsolation;
    }

    /** false: build with the interpreter's installed build backend (no download), for offline agents. */
    @DataBoundSetter
    public void setBuildIsolation(boolean buildIsolation) {
        this.buildIsolation = buildIsolation;
    }

    public boolean isDocs() {
        return docs;
    }

    @DataBoundSetter
    public void setDocs(boolean docs) {
        this.docs = docs;
    }

    public String getDocsModules() {
        return docsModules;
    }

    /** Space- or comma-separated modules for pdoc; default: the modules of the wheel (detected by core). */
    @DataBoundSetter
    public void setDocsModules(String docsModules) {
        this.docsModules = Util.fixEmptyAndTrim(docsModules);
    }

    /** {@link #getDocsModules()} as core takes it; empty means "detect". */
    List<String> docsModuleList() {
        return docsModules == null ? List.of()
                : Arrays.stream(docsModules.split("[\\s,]+")).filter(m -> !m.isEmpty()).toList();
    }

    public String getVersionSuffix() {
        return versionSuffix;
    }

    /**
     * Appended to the project's version for this publish, e.g. {@code .dev${BUILD_NUMBER}} (setuptools
     * projects; core validates it and checks the built version carries it).
     */
    @DataBoundSetter
    public void setVersionSuffix(String versionSuffix) {
        this.versionSuffix = Util.fixEmptyAndTrim(versionSuffix);
    }

    public boolean isOverwrite() {
        return overwrite;
    }

    @DataBoundSetter
    public void setOverwrite(boolean overwrite) {
        this.overwrite = overwrite;
    }

    public boolean isFailOnPublicName() {
        return failOnPublicName;
    }

    /** Fail instead of warning when the project's name also exists on the stage's upstream (core's check). */
    @DataBoundSetter
    public void setFailOnPublicName(boolean failOnPublicName) {
        this.failOnPublicName = failOnPublicName;
    }

    public int getBuildTimeout() {
        return buildTimeout;
    }

    /** Minutes the build (and pdoc) may take before it is stopped; 0 or less means the default, 30. */
    @DataBoundSetter
    public void setBuildTimeout(int buildTimeout) {
        this.buildTimeout = buildTimeout > 0 ? buildTimeout : DEFAULT_BUILD_TIMEOUT_MINUTES;
    }

    public String getSlackChannel() {
        return slackChannel;
    }

    /** Slack channel for the notices; default: the target's channel, then the Slack plugin's. */
    @DataBoundSetter
    public void setSlackChannel(String slackChannel) {
        this.slackChannel = Util.fixEmptyAndTrim(slackChannel);
    }

    public boolean isSlack() {
        return slack;
    }

    @DataBoundSetter
    public void setSlack(boolean slack) {
        this.slack = slack;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new PublishPythonPackageExecution(this, context);
    }

    @Extension
    @Symbol("publishPythonPackage")
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            // Launcher: only inside node {}, where the workspace's agent is.
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class, EnvVars.class);
        }

        @Override
        public String getFunctionName() {
            return "publishPythonPackage";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Publish a Python package (sdist, wheel, docs) to a pypub index";
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
        public FormValidation doCheckStage(@QueryParameter String value) {
            String v = Util.fixEmptyAndTrim(value);
            if (v == null || v.contains("$")) {
                return FormValidation.ok();
            }
            try {
                Stage.of(v);
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckVersionSuffix(@QueryParameter String value) {
            String v = Util.fixEmptyAndTrim(value);
            if (v == null || v.contains("$")) {
                return FormValidation.ok();
            }
            try {
                // Core's own check, the one the publish applies (the folder and stage do not matter here).
                PublishRequest.builder(Path.of("."), Stage.of("dev")).versionSuffix(v).build();
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckBuildTimeout(@QueryParameter String value) {
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.ok();
            }
            try {
                return Integer.parseInt(v) > 0 ? FormValidation.ok() : FormValidation.error("A number of minutes greater than 0.");
            } catch (NumberFormatException e) {
                return FormValidation.error("A number of minutes greater than 0.");
            }
        }
    }
}
