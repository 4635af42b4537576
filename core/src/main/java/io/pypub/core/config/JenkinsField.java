package io.pypub.core.config;

/**
 * A field of the Jenkins plugin's configuration that holds a setting: a property of the publishing
 * target ({@code PublishTarget}, Manage Jenkins > System, JCasC) or of the {@code publishPythonPackage}
 * step. For secrets the field holds a Jenkins credentials id, never the secret.
 */
public record JenkinsField(Owner owner, String name, boolean credentialsId) {
    public enum Owner {
        TARGET("PublishTarget", "target"), STEP("PublishPythonPackageStep", "publishPythonPackage step");

        public final String className;
        public final String label;

        Owner(String className, String label) {
            this.className = className;
            this.label = label;
        }
    }

    public static JenkinsField target(String name) {
        return new JenkinsField(Owner.TARGET, name, false);
    }

    public static JenkinsField step(String name) {
        return new JenkinsField(Owner.STEP, name, false);
    }

    public static JenkinsField targetCredentials(String name) {
        return new JenkinsField(Owner.TARGET, name, true);
    }

    @Override
    public String toString() {
        return "'" + name + "' of the Jenkins " + owner.label;
    }
}
