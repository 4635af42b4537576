package io.pypub.jenkins;

import hudson.util.FormValidation;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What "Test connection" does: HeadBucket on the package (and docs) bucket, DescribeTable on the
 * version and access tables, with the target's credentials. Reports AWS error codes and HTTP
 * statuses only, so neither keys nor request signatures can end up on the page.
 */
final class ConnectionCheck {
    private final TargetSettings target;
    private final AwsKeys keys;

    ConnectionCheck(TargetSettings target, AwsKeys keys) {
        this.target = target;
        this.keys = keys;
    }

    FormValidation run() {
        AwsSettings settings;
        try {
            settings = target.toAwsSettings();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
        List<String> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        // The SDK looks up some classes through the context class loader; make it this plugin's
        // (and so its bundled SDK) rather than Jenkins' request-thread loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ConnectionCheck.class.getClassLoader());
        try (AwsClients aws = new AwsClients(settings, keys == null ? null : keys.provider())) {
            checkBucket(aws, settings.bucket(), found, problems);
            if (!settings.effectiveDocsBucket().equals(settings.bucket())) {
                checkBucket(aws, settings.effectiveDocsBucket(), found, problems);
            }
            checkTable(aws, settings.versionTable(), found, problems);
            checkTable(aws, settings.accessTable(), found, problems);
        } catch (SdkException | IllegalArgumentException e) {
            problems.add("cannot create the AWS clients: " + reason(e));
        } finally {
            thread.setContextClassLoader(previous);
        }
        String who = keys == null ? "the AWS default credential chain of the controller" : keys.toString();
        if (problems.isEmpty()) {
            return FormValidation.ok("Connected with " + who + ": " + String.join(", ", found) + ".");
        }
        return FormValidation.error("Using " + who + ": " + String.join("; ", problems)
                + (found.isEmpty() ? "" : " (found: " + String.join(", ", found) + ")"));
    }

    private static void checkBucket(AwsClients aws, String bucket, List<String> found, List<String> problems) {
        try {
            aws.s3().headBucket(b -> b.bucket(bucket));
            found.add("bucket " + bucket);
        } catch (SdkException e) {
            problems.add("bucket " + bucket + ": " + reason(e));
        }
    }

    private static void checkTable(AwsClients aws, String table, List<String> found, List<String> problems) {
        try {
            aws.dynamo().describeTable(b -> b.tableName(table));
            found.add("table " + table);
        } catch (ResourceNotFoundException e) {
            problems.add("table " + table + " does not exist");
        } catch (SdkException e) {
            problems.add("table " + table + ": " + reason(e));
        }
    }

    /** AWS error code and status for service errors; the first line of the message otherwise. */
    static String reason(Exception e) {
        if (e instanceof AwsServiceException ase) {
            if (ase.statusCode() == 404) {
                return "does not exist (HTTP 404)";
            }
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            return (code == null ? "error" : code) + " (HTTP " + ase.statusCode() + ")";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
