package io.pypub.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** Credential drop-downs of the target form: administrators see the choices, others only the current value. */
final class CredentialsLists {
    private CredentialsLists() {}

    /** AWS keys: "AWS Credentials" (aws-credentials plugin) or username = access key id, password = secret. */
    static ListBoxModel aws(String current) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        StandardListBoxModel model = new StandardListBoxModel();
        model.includeEmptyValue();
        if (AwsPluginCredentials.available()) {
            AwsPluginCredentials.include(model);
        }
        model.includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardUsernamePasswordCredentials.class, List.of(),
                CredentialsMatchers.always());
        model.includeCurrentValue(current);
        return model;
    }

    /** Secret text credentials (Slack webhook URL or token). */
    static ListBoxModel secretText(String current) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        StandardListBoxModel model = new StandardListBoxModel();
        model.includeEmptyValue();
        model.includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, List.of(), CredentialsMatchers.always());
        model.includeCurrentValue(current);
        return model;
    }
}
