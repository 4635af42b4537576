package io.pypub.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.pypub.core.publish.PublishLog;
import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.python.PackageBuilder;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.S3ArtifactStore;
import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs core's publish pipeline where the project is: on the agent that holds the workspace. Core's
 * classes (and the bundled AWS SDK) reach the agent through remoting class loading. Build tools
 * run there with the pipeline's environment; uploads go from there straight to S3.
 */
final class PublishOnAgent extends MasterToSlaveFileCallable<PublishedPackage> {
    private static final long serialVersionUID = 1L;

    private final TargetSettings target;
    private final AwsKeys keys;
    private final String stage;
    private final String python;
    private final boolean wheel;
    private final boolean buildIsolation;
    private final boolean overwrite;
    private final String publishedBy;
    private final String sourceRevision;
    private final HashMap<String, String> env;
    private final TaskListener listener;

    PublishOnAgent(TargetSettings target, AwsKeys keys, String stage, String python, boolean wheel, boolean buildIsolation, boolean overwrite,
            String publishedBy, String sourceRevision, Map<String, String> env, TaskListener listener) {
        this.target = target;
        this.keys = keys;
        this.stage = stage;
        this.python = python;
        this.wheel = wheel;
        this.buildIsolation = buildIsolation;
        this.overwrite = overwrite;
        this.publishedBy = publishedBy;
        this.sourceRevision = sourceRevision;
        this.env = new HashMap<>(env);
        this.listener = listener;
    }

    @Override
    public PublishedPackage invoke(File projectDir, VirtualChannel channel) throws IOException, InterruptedException {
        PublishLog log = new ListenerPublishLog(listener);
        try {
            AwsSettings settings = target.toAwsSettings();
            try (AwsClients aws = new AwsClients(settings, keys == null ? null : keys.provider())) {
                // TODO(core): take this wiring from core once it has a factory for "a pipeline on these settings".
                PublishPipeline pipeline = new PublishPipeline(
                        new PackageBuilder(new EnvCommandRunner(env)),
                        new S3ArtifactStore(aws.s3(), settings.bucket()),
                        new DynamoVersionTable(aws.dynamo(), settings.versionTable()),
                        settings.layout());
                PublishRequest request = PublishRequest.builder(projectDir.toPath(), Stage.of(stage))
                        .python(python)
                        .wheel(wheel)
                        .buildIsolation(buildIsolation)
                        .overwrite(overwrite)
                        .publishedBy(publishedBy)
                        .sourceRevision(sourceRevision)
                        .build();
                return PublishedPackage.of(pipeline.publish(request, log));
            }
        } catch (RuntimeException e) {
            // Core's messages say what failed and what to do. Only that text goes back to the
            // controller: the AWS SDK exceptions in a cause chain need not be serializable.
            if (!e.getClass().getName().startsWith("io.pypub.core.") && !(e instanceof IllegalArgumentException)) {
                e.printStackTrace(listener.getLogger());
            }
            throw new AbortException("Publishing failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
