package io.pypub.jenkins;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * One deployment a pipeline can publish to: where the packages and docs go (S3), where releases
 * are recorded (DynamoDB), which AWS credentials to use, where users find the result, and Slack
 * defaults. Holds credential IDs only, never secrets, so it can be shown, exported (JCasC) and
 * sent to agents as it is.
 */
public class PublishTarget implements Describable<PublishTarget> {
    /** AWS's own regions, for a warning only: S3-compatible stores name theirs freely (core's rule: {@code Settings.REGION}). */
    private static final Pattern AWS_REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-\\d+$");

    private final String name;
    private String bucket;
    private String prefix;
    private String docsBucket;
    private String versionTable;
    private String accessTable;
    private String region;
    private String s3Endpoint;
    private String dynamoEndpoint;
    private String credentialsId;
    private String indexUrl;
    private String defaultStage;
    private String slackChannel;
    private String slackWebhookCredentialsId;
    private String slackTokenCredentialsId;

    @DataBoundConstructor
    public PublishTarget(String name) {
        this.name = Util.fixNull(name).trim();
    }

    @NonNull
    public String getName() {
        return name;
    }

    public String getBucket() {
        return bucket;
    }

    @DataBoundSetter
    public void setBucket(String bucket) {
        this.bucket = Util.fixEmptyAndTrim(bucket);
    }

    public String getPrefix() {
        return prefix;
    }

    @DataBoundSetter
    public void setPrefix(String prefix) {
        this.prefix = Util.fixEmptyAndTrim(prefix);
    }

    public String getDocsBucket() {
        return docsBucket;
    }

    @DataBoundSetter
    public void setDocsBucket(String docsBucket) {
        this.docsBucket = Util.fixEmptyAndTrim(docsBucket);
    }

    public String getVersionTable() {
        return versionTable;
    }

    @DataBoundSetter
    public void setVersionTable(String versionTable) {
        this.versionTable = Util.fixEmptyAndTrim(versionTable);
    }

    public String getAccessTable() {
        return accessTable;
    }

    @DataBoundSetter
    public void setAccessTable(String accessTable) {
        this.accessTable = Util.fixEmptyAndTrim(accessTable);
    }

    public String getRegion() {
        return region;
    }

    @DataBoundSetter
    public void setRegion(String region) {
        this.region = Util.fixEmptyAndTrim(region);
    }

    public String getS3Endpoint() {
        return s3Endpoint;
    }

    @DataBoundSetter
    public void setS3Endpoint(String s3Endpoint) {
        this.s3Endpoint = Util.fixEmptyAndTrim(s3Endpoint);
    }

    public String getDynamoEndpoint() {
        return dynamoEndpoint;
    }

    @DataBoundSetter
    public void setDynamoEndpoint(String dynamoEndpoint) {
        this.dynamoEndpoint = Util.fixEmptyAndTrim(dynamoEndpoint);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getIndexUrl() {
        return indexUrl;
    }

    @DataBoundSetter
    public void setIndexUrl(String indexUrl) {
        this.indexUrl = Util.fixEmptyAndTrim(indexUrl);
    }

    public String getDefaultStage() {
        return defaultStage;
    }

    @DataBoundSetter
    public void setDefaultStage(String defaultStage) {
        this.defaultStage = Util.fixEmptyAndTrim(defaultStage);
    }

    public String getSlackChannel() {
        return slackChannel;
    }

    @DataBoundSetter
    public void setSlackChannel(String slackChannel) {
        this.slackChannel = Util.fixEmptyAndTrim(slackChannel);
    }

    public String getSlackWebhookCredentialsId() {
        return slackWebhookCredentialsId;
    }

    @DataBoundSetter
    public void setSlackWebhookCredentialsId(String slackWebhookCredentialsId) {
        this.slackWebhookCredentialsId = Util.fixEmptyAndTrim(slackWebhookCredentialsId);
    }

    public String getSlackTokenCredentialsId() {
        return slackTokenCredentialsId;
    }

    @DataBoundSetter
    public void setSlackTokenCredentialsId(String slackTokenCredentialsId) {
        this.slackTokenCredentialsId = Util.fixEmptyAndTrim(slackTokenCredentialsId);
    }

    /**
     * Current Jenkins (jenkinsci/jenkins#10426, 2025; in 2.516) has this as {@code Describable}'s
     * default method and deprecates {@code AbstractDescribableImpl}, which this class used to
     * extend; the baseline 2.479.3 has no default yet, so it is spelled out here, with the same
     * lookup as the default.
     */
    @Override
    public DescriptorImpl getDescriptor() {
        return (DescriptorImpl) Jenkins.get().getDescriptorOrDie(getClass());
    }

    /** The storage fields of this target, for core's catalogue to check ({@link TargetSettings#toAwsSettings()}). */
    TargetSettings toSettings() {
        return new TargetSettings(region, bucket, prefix, docsBucket, versionTable, accessTable, s3Endpoint, dynamoEndpoint);
    }

    @Extension
    public static class DescriptorImpl extends Descriptor<PublishTarget> {

        @NonNull
        @Override
        public String getDisplayName() {
            return "Publishing target";
        }

        private static boolean mayConfigure() {
            return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            return Util.fixEmptyAndTrim(value) == null
                    ? FormValidation.error("A name is required; pipelines select the target with target: 'NAME'.")
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckBucket(@QueryParameter String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.error("The S3 bucket for package files is required.");
            }
            return check(Settings.BUCKET, v);
        }

        @POST
        public FormValidation doCheckDocsBucket(@QueryParameter String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            return check(Settings.DOCS_BUCKET, value);
        }

        @POST
        public FormValidation doCheckVersionTable(@QueryParameter String value) {
            return mayConfigure() ? check(Settings.VERSION_TABLE, value) : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckAccessTable(@QueryParameter String value) {
            return mayConfigure() ? check(Settings.ACCESS_TABLE, value) : FormValidation.ok();
        }

        /** Core's rule for the setting this field holds: the same check as the command line and the Lambda function. */
        private static FormValidation check(Setting<?> setting, String value) {
            String problem = setting.check(value);
            return problem == null ? FormValidation.ok()
                    : FormValidation.error(Character.toUpperCase(problem.charAt(0)) + problem.substring(1) + ".");
        }

        @POST
        public FormValidation doCheckRegion(@QueryParameter String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.ok("Empty means " + Settings.REGION.defaultValue() + ".");
            }
            if (Settings.REGION.check(v) != null) {
                return check(Settings.REGION, v);
            }
            return AWS_REGION.matcher(v).matches() ? FormValidation.ok()
                    : FormValidation.warning("'" + v + "' does not look like an AWS region (e.g. eu-west-1).");
        }

        @POST
        public FormValidation doCheckS3Endpoint(@QueryParameter String value) {
            return checkEndpoint(Settings.S3_ENDPOINT, value);
        }

        @POST
        public FormValidation doCheckDynamoEndpoint(@QueryParameter String value) {
            return checkEndpoint(Settings.DYNAMODB_ENDPOINT, value);
        }

        @POST
        public FormValidation doCheckIndexUrl(@QueryParameter String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            return Util.fixEmptyAndTrim(value) == null
                    ? FormValidation.warning("Without the index URL, builds cannot show install commands or links.")
                    : check(Settings.INDEX_URL, value);
        }

        @POST
        public FormValidation doCheckDefaultStage(@QueryParameter String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.ok("Steps must then pass stage: 'NAME'.");
            }
            return check(Settings.STAGE, v); // the stage rules are core's
        }

        private static FormValidation checkEndpoint(Setting<?> setting, String value) {
            if (!mayConfigure()) {
                return FormValidation.ok();
            }
            String v = Util.fixEmptyAndTrim(value);
            return v == null ? FormValidation.ok("Empty means the AWS endpoint of the region.") : check(setting, v);
        }

        /**
         * A credential the target names must exist and be of a usable kind: the drop-down keeps an
         * id that no longer exists (shown as "- current -"), so say what is wrong with it here.
         */
        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            if (!mayConfigure() || Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok();
            }
            try {
                AwsCredentialsResolver.forConfiguration(value);
                return FormValidation.ok();
            } catch (hudson.AbortException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckSlackWebhookCredentialsId(@QueryParameter String value) {
            return checkSecretText(value, "Slack webhook credentials");
        }

        @POST
        public FormValidation doCheckSlackTokenCredentialsId(@QueryParameter String value) {
            return checkSecretText(value, "Slack token credentials");
        }

        private static FormValidation checkSecretText(String value, String what) {
            if (!mayConfigure() || Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.ok();
            }
            try {
                TargetCredentials.find(org.jenkinsci.plugins.plaincredentials.StringCredentials.class, value, what, null);
                return FormValidation.ok();
            } catch (hudson.AbortException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return CredentialsLists.aws(credentialsId);
        }

        @POST
        public ListBoxModel doFillSlackWebhookCredentialsIdItems(@QueryParameter String slackWebhookCredentialsId) {
            return CredentialsLists.secretText(slackWebhookCredentialsId);
        }

        @POST
        public ListBoxModel doFillSlackTokenCredentialsIdItems(@QueryParameter String slackTokenCredentialsId) {
            return CredentialsLists.secretText(slackTokenCredentialsId);
        }

        /**
         * The "Test connection" button: builds the AWS clients as a publish would (on the controller)
         * and checks that the bucket(s) and tables exist. Administrators only, POST only.
         */
        @POST
        public FormValidation doTestConnection(@QueryParameter String bucket, @QueryParameter String prefix,
                @QueryParameter String docsBucket, @QueryParameter String versionTable, @QueryParameter String accessTable,
                @QueryParameter String region, @QueryParameter String s3Endpoint, @QueryParameter String dynamoEndpoint,
                @QueryParameter String credentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            TargetSettings settings = new TargetSettings(Util.fixEmptyAndTrim(region), Util.fixEmptyAndTrim(bucket),
                    Util.fixEmptyAndTrim(prefix), Util.fixEmptyAndTrim(docsBucket), Util.fixEmptyAndTrim(versionTable),
                    Util.fixEmptyAndTrim(accessTable), Util.fixEmptyAndTrim(s3Endpoint), Util.fixEmptyAndTrim(dynamoEndpoint));
            AwsKeys keys;
            try {
                keys = AwsCredentialsResolver.forConfiguration(credentialsId);
            } catch (hudson.AbortException e) {
                return FormValidation.error(e.getMessage());
            }
            return new ConnectionCheck(settings, keys).run();
        }
    }
}
