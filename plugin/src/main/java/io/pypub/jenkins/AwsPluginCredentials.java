package io.pypub.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AmazonWebServicesCredentials;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.PluginWrapper;
import hudson.security.ACL;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The only class that touches the (optional) aws-credentials plugin; callers check
 * {@link #available()} first, so a Jenkins without that plugin never loads it.
 *
 * <p>Keys are read through {@code getCredentials()} ({@code com.amazonaws.auth.AWSCredentials}),
 * which every aws-credentials release has, rather than {@code resolveCredentials()}: the latter
 * returns the AWS SDK v2 type of the aws-java-sdk2-core plugin, while this plugin loads its own
 * bundled SDK first, and mixing the two copies would fail with a LinkageError. Assume-role
 * credentials come back as session keys, valid for the length of one publish.
 * TODO: move to resolveCredentials() if the SDK ever comes from one place (see pom.xml).
 */
final class AwsPluginCredentials {
    private AwsPluginCredentials() {}

    static boolean available() {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        PluginWrapper plugin = jenkins == null ? null : jenkins.getPluginManager().getPlugin("aws-credentials");
        return plugin != null && plugin.isActive();
    }

    static boolean isAws(StandardCredentials c) {
        return c instanceof AmazonWebServicesCredentials;
    }

    @SuppressWarnings("removal")
    static AwsKeys keys(StandardCredentials c) {
        com.amazonaws.auth.AWSCredentials keys = ((AmazonWebServicesCredentials) c).getCredentials();
        String token = keys instanceof com.amazonaws.auth.AWSSessionCredentials session ? session.getSessionToken() : null;
        return new AwsKeys(c.getId(), keys.getAWSAccessKeyId(), keys.getAWSSecretKey(), token);
    }

    static void include(StandardListBoxModel model) {
        model.includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), AmazonWebServicesCredentials.class, List.of(),
                CredentialsMatchers.always());
    }
}
