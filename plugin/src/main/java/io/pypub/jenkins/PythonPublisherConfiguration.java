package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
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
