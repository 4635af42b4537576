package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * Manage Jenkins &gt; System &gt; Python Package Publisher: the named publishing targets and which
 * one a step uses when it names none. Configuration as Code reads and writes it through the
 * {@link Symbol} and the getter/setter pairs ({@code unclassified: pythonPackagePublisher:}).
 */
@Extension
@Symbol("pythonPackagePublisher")
public class PythonPublisherConfiguration extends GlobalConfiguration {

    private List<PublishTarget> targets = new ArrayList<>();
    private String defaultTarget;

    public PythonPublisherConfiguration() {
        load();
    }

    public static PythonPublisherConfiguration get() {
        return GlobalConfiguration.all().getInstance(PythonPublisherConfiguration.class);
    }

    @NonNull
    public List<PublishTarget> getTargets() {
        return targets == null ? Collections.emptyList() : Collections.unmodifiableList(targets);
    }

    @DataBoundSetter
    public void setTargets(List<PublishTarget> targets) {
        this.targets = targets == null ? new ArrayList<>() : new ArrayList<>(targets);
        save();
    }

    @CheckForNull
    public String getDefaultTarget() {
        return defaultTarget;
    }

    @DataBoundSetter
    public void setDefaultTarget(String defaultTarget) {
        this.defaultTarget = Util.fixEmptyAndTrim(defaultTarget);
        save();
    }

    /**
     * The target a step asked for; with no name, the default target, or the only target there is.
     * Fails with a message that lists what is configured.
     */
    @NonNull
    public PublishTarget resolve(@CheckForNull String name) throws AbortException {
        List<PublishTarget> all = getTargets();
        String wanted = Util.fixEmptyAndTrim(name);
        if (wanted == null) {
            wanted = defaultTarget;
        }
        if (wanted == null && all.size() == 1) {
            return all.get(0);
        }
        if (wanted == null) {
            throw new AbortException(all.isEmpty()
                    ? "No Python publishing target is configured: add one in Manage Jenkins > System > Python Package Publisher."
                    : "Several Python publishing targets are configured (" + names(all)
                            + ") and no default: pass target: 'NAME' or set a default target.");
        }
        for (PublishTarget t : all) {
            if (t.getName().equals(wanted)) {
                return t;
            }
        }
        throw new AbortException("No Python publishing target named '" + wanted + "'. Configured: "
                + (all.isEmpty() ? "none" : names(all)) + ".");
    }

    /**
     * The target drop-down of the steps' forms (snippet generator, step configuration): the
     * default, every configured target, and the step's current value even if no target has that
     * name (any more, or yet): a form must never drop what a Pipeline names. Such a value is shown
     * as "NAME (not configured)" and {@link #checkTarget} flags it.
     */
    public static ListBoxModel targetItems(@CheckForNull String current) {
        String wanted = Util.fixEmptyAndTrim(current);
        ListBoxModel items = new ListBoxModel();
        items.add(new ListBoxModel.Option("(default target)", "", wanted == null));
        boolean found = false;
        for (PublishTarget t : get().getTargets()) {
            boolean selected = t.getName().equals(wanted);
            found |= selected;
            items.add(new ListBoxModel.Option(t.getName(), t.getName(), selected));
        }
        if (wanted != null && !found) {
            items.add(new ListBoxModel.Option(wanted + " (not configured)", wanted, true));
        }
        return items;
    }

    /** Form validation of a step's {@code target}: an error for a name no target has. */
    public static FormValidation checkTarget(@CheckForNull String value) {
        String wanted = Util.fixEmptyAndTrim(value);
        if (wanted == null || wanted.contains("$")) {
            return FormValidation.ok(); // the default target; or expanded by Groovy later
        }
        List<PublishTarget> all = get().getTargets();
        for (PublishTarget t : all) {
            if (t.getName().equals(wanted)) {
                return FormValidation.ok();
            }
        }
        return FormValidation.error("No publishing target named '" + wanted + "' is configured ("
                + (all.isEmpty() ? "none is" : "configured: " + names(all))
                + "): add it in Manage Jenkins > System > Python Package Publisher, or pick another.");
    }

    private static String names(List<PublishTarget> all) {
        return all.stream().map(PublishTarget::getName).collect(Collectors.joining(", "));
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        // A form with every target deleted sends no "targets" key, so bindJSON would keep the old list.
        targets = new ArrayList<>();
        defaultTarget = null;
        req.bindJSON(this, json);
        save();
        return true;
    }
}
