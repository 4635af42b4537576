package io.pypub.jenkins;

import hudson.AbortException;
import hudson.model.Run;
import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.release.SlackThread;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import java.util.Optional;
import java.util.function.Function;

/**
 * The release's Slack thread on the target's version table, from the controller (where Slack is posted): after the
 * publish message, its channel and ts are stored with the release (core's UpdateItem), with the target's AWS
 * credentials as the lifecycle steps use them. Failures reach core's {@code SlackNotifier}, which makes them a warning.
 */
final class TargetThreads implements ReleaseThreads {
    private final PublishTarget target;
    private final Run<?, ?> run;

    TargetThreads(PublishTarget target, Run<?, ?> run) {
        this.target = target;
        this.run = run;
    }

    @Override
    public void remember(Stage stage, String project, String version, SlackThread thread) {
        withTable(t -> {
            t.remember(stage, project, version, thread);
            return null;
        });
    }

    @Override
    public Optional<SlackThread> find(Stage stage, String project, String version) {
        return withTable(t -> t.find(stage, project, version));
    }

    private <T> T withTable(Function<ReleaseThreads, T> action) {
        AwsKeys keys;
        try {
            keys = AwsCredentialsResolver.forBuild(target.getCredentialsId(), run);
        } catch (AbortException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        // The SDK looks up some classes through the context class loader: make it this plugin's (its bundled SDK).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(TargetThreads.class.getClassLoader());
        try (AwsClients aws = new AwsClients(target.toSettings().toAwsSettings(), keys == null ? null : keys.provider())) {
            return action.apply(new DynamoVersionTable(aws.dynamo(), aws.settings().versionTable()).releaseThreads());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
