package io.pypub.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import hudson.security.ACL;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * Looks up a credential a publishing target names (AWS keys, Slack webhook or token), on the
 * controller. Targets are configured by administrators, so their credentials are looked up as the
 * system (global or system scope), like other global plugin settings do; every job that names the
 * target may use them.
 */
public final class TargetCredentials {
    private TargetCredentials() {}

    /**
     * The credential with this id and type, or null when no id is given; with a run, its use is
     * recorded on the build (Credentials &gt; Usage).
     *
     * @param what how the target calls it in messages, e.g. "AWS credentials"
     */
    @CheckForNull
    public static <C extends StandardCredentials> C find(Class<C> type, @CheckForNull String credentialsId, String what,
            @CheckForNull Run<?, ?> run) throws AbortException {
        String id = Util.fixEmptyAndTrim(credentialsId);
        if (id == null) {
            return null;
        }
        C c = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(type, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
        if (c == null) {
            throw new AbortException("The " + what + " '" + id + "' of the publishing target do not exist "
                    + "(or are not of the right kind, or not in the global credentials store).");
        }
        if (run != null) {
            CredentialsProvider.track(run, c);
        }
        return c;
    }
}
