package io.pypub.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import hudson.security.ACL;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * Turns a target's AWS credentials id into keys, on the controller. Supported kinds: "AWS
 * Credentials" (aws-credentials plugin, including assume-role) and "Username with password"
 * (username = access key id, password = secret access key). No id means "no keys": the AWS default
 * credential chain of the machine that publishes (the agent) is used.
 *
 * <p>Targets are configured by administrators, so their credentials are looked up as the system
 * (global or system scope), like other global plugin settings do; every job that names the target
 * may use it.
 */
final class AwsCredentialsResolver {
    private AwsCredentialsResolver() {}

    /** For a build: also records the credential's use on the build (Credentials > Usage). */
    @CheckForNull
    static AwsKeys forBuild(@CheckForNull String credentialsId, Run<?, ?> run) throws AbortException {
        StandardCredentials c = find(credentialsId);
        if (c == null) {
            return null;
        }
        CredentialsProvider.track(run, c);
        return keys(c);
    }

    /** For the "Test connection" button. */
    @CheckForNull
    static AwsKeys forConfiguration(@CheckForNull String credentialsId) throws AbortException {
        StandardCredentials c = find(credentialsId);
        return c == null ? null : keys(c);
    }

    @CheckForNull
    private static StandardCredentials find(@CheckForNull String credentialsId) throws AbortException {
        String id = Util.fixEmptyAndTrim(credentialsId);
        if (id == null) {
            return null;
        }
        StandardCredentials c = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
        if (c == null) {
            throw new AbortException("The AWS credentials '" + id + "' of the publishing target do not exist "
                    + "(or are not in the global credentials store).");
        }
        return c;
    }

    private static AwsKeys keys(StandardCredentials c) throws AbortException {
        if (c instanceof StandardUsernamePasswordCredentials up) {
            return new AwsKeys(c.getId(), up.getUsername(), up.getPassword().getPlainText(), null);
        }
        if (AwsPluginCredentials.available() && AwsPluginCredentials.isAws(c)) {
            return AwsPluginCredentials.keys(c);
        }
        throw new AbortException("The credentials '" + c.getId() + "' are not AWS keys: use an 'AWS Credentials' entry "
                + "or 'Username with password' with the access key id as username and the secret key as password.");
    }
}
