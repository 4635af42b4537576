package io.pypub.jenkins;

import java.io.Serializable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * AWS keys resolved from a Jenkins credential on the controller, carried to the agent that
 * publishes (the remoting channel is the only place they travel). Never printed:
 * {@link #toString()} names the Jenkins credential only.
 */
final class AwsKeys implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String credentialsId;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;

    AwsKeys(String credentialsId, String accessKeyId, String secretAccessKey, String sessionToken) {
        this.credentialsId = credentialsId;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
    }

    String credentialsId() {
        return credentialsId;
    }

    AwsCredentialsProvider provider() {
        return StaticCredentialsProvider.create(sessionToken == null || sessionToken.isBlank()
                ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
    }

    @Override
    public String toString() {
        return "AWS credentials '" + credentialsId + "'";
    }
}
