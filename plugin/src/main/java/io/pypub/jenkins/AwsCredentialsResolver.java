package io.pypub.jenkins;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;

/**
 * Turns a target's AWS credentials id into keys, on the controller. Supported kinds: "AWS
 * Credentials" (aws-credentials plugin, including assume-role) and "Username with password"
 * (username = access key id, password = secret access key). No id means "no keys": the AWS default
 * credential chain of the machine that publishes (the agent) is used.
 * (See {@link TargetCredentials} for where they are looked up.)
 */
final class AwsCredentialsResolver {
    private AwsCredentialsResolver() {}

    /** For a build: also records the credential's use on the build (Credentials > Usage). */
    @CheckForNull
    static AwsKeys forBuild(@CheckForNull String credentialsId, Run<?, ?> run) throws AbortException {
        StandardCredentials c = TargetCredentials.find(StandardCredentials.class, credentialsId, "AWS credentials", run);
        return c == null ? null : keys(c);
    }

    /** For the "Test connection" button. */
    @CheckForNull
    static AwsKeys forConfiguration(@CheckForNull String credentialsId) throws AbortException {
        StandardCredentials c = TargetCredentials.find(StandardCredentials.class, credentialsId, "AWS credentials", null);
        return c == null ? null : keys(c);
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
