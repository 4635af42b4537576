package io.pypub.jenkins;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import java.io.File;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs core's publish pipeline where the project is: on the agent that holds the workspace. Core's
 * classes (and the bundled AWS SDK) reach the agent through remoting class loading. Build tools
 * run there with the pipeline's environment; uploads go from there straight to S3.
 *
 * <p>Slack is NOT posted from here. The pipeline is given a notifier that only keeps the notice it
 * is handed, and the notice goes back to the controller in the {@link PublishOutcome}, where the
 * step posts it: through the Slack plugin (whose classes and configuration exist only on the
 * controller) or through core's Slack client with the target's credentials (secrets that need not
 * go to agents, posted from the machine that is expected to reach Slack, like every other Jenkins
 * notification). Failures come back as values too, never as exceptions, so the controller can
 * always notify after them.
 */
final class PublishOnAgent extends MasterToSlaveFileCallable<PublishOutcome> {
    private static final long serialVersionUID = 1L;

    /** Core's record, sent as it is: the agent's class filter is remoting's blacklist (docs/ARCHITECTURE.md). */
    private final AwsSettings settings;
    private final AwsKeys keys;
    private final Options options;
    private final HashMap<String, String> env;
    private final TaskListener listener;

    PublishOnAgent(AwsSettings settings, AwsKeys keys, Options options, Map<String, String> env, TaskListener listener) {
        this.settings = settings;
        this.keys = keys;
        this.options = options;
        this.env = new HashMap<>(env);
        this.listener = listener;
    }

    @Override
    public PublishOutcome invoke(File projectDir, VirtualChannel channel) {
        PublishLog log = new ListenerPublishLog(listener);
        KeepNotice notices = new KeepNotice();
        try {
            PublishRequest request = options.toRequest(projectDir);
            AwsClients aws = new AwsClients(settings, keys == null ? null : keys.provider());
            PublishResult result;
            try {
                result = PublishPipeline.on(aws, new EnvCommandRunner(env), notices)
                        // Upstreams as `pypub serve` has them (PYPUB_UPSTREAM in the build's environment): core decides.
                        .checkPublicNames(io.pypub.core.upstream.UpstreamSettings.fromEnvironment(env), options.failOnPublicName)
                        .publish(request, log);
            } finally {
                closeQuietly(aws, log); // a release that is recorded must not be reported as failed
            }
            return PublishOutcome.success(PublishedPackage.of(result), result.summary(options.indexUrl), notices.published);
        } catch (RuntimeException e) {
            // Core's messages say what failed and what to do; a stack trace only helps for anything else.
            String message = io.pypub.core.error.UserError.messageOf(e); // core's one rule, as in the CLI
            if (message == null) {
                e.printStackTrace(listener.getLogger());
            }
            return PublishOutcome.failure(message != null ? message
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), notices.failed);
        }
    }

    private static void closeQuietly(AwsClients aws, PublishLog log) {
        try {
            aws.close();
        } catch (RuntimeException e) {
            log.warn("Could not close the AWS clients: " + e);
        }
    }

    /** Keeps what the pipeline notifies, for the controller (see the class comment). */
    private static final class KeepNotice implements Notifier {
        PublishNotice published;
        FailureNotice failed;

        @Override
        public void published(PublishNotice notice, PublishLog log) {
            published = notice;
        }

        @Override
        public void failed(FailureNotice notice, PublishLog log) {
            failed = notice;
        }
    }

    /** The step's choices, resolved on the controller; becomes core's {@link PublishRequest} on the agent. */
    static final class Options implements Serializable {
        private static final long serialVersionUID = 1L;

        private final Stage stage;
        private String python;
        private String docsPython;
        private boolean wheel = true;
        private boolean buildIsolation = true;
        private boolean overwrite;
        private boolean docs = true;
        private ArrayList<String> docsModules = new ArrayList<>();
        private String versionSuffix;
        private String publishedBy;
        private String sourceRevision;
        private String indexUrl;
        private int buildTimeoutMinutes;
        private HashMap<String, String> provenance = new HashMap<>();
        private boolean failOnPublicName;

        Options(Stage stage) {
            this.stage = stage;
        }

        static Options of(PublishPythonPackageStep step, Stage stage, String indexUrl, String publishedBy, String sourceRevision) {
            Options o = new Options(stage);
            o.python = step.getPython();
            o.docsPython = step.getDocsPython();
            o.wheel = step.isWheel();
            o.buildIsolation = step.isBuildIsolation();
            o.overwrite = step.isOverwrite();
            o.docs = step.isDocs();
            o.docsModules = new ArrayList<>(step.docsModuleList());
            o.versionSuffix = step.getVersionSuffix();
            o.publishedBy = publishedBy;
            o.sourceRevision = sourceRevision;
            o.indexUrl = indexUrl;
            o.buildTimeoutMinutes = step.getBuildTimeout();
            o.failOnPublicName = step.isFailOnPublicName();
            return o;
        }

        /** Where the publish comes from ({@link BuildProvenance}), recorded with the release. */
        Options provenance(Provenance p) {
            this.provenance = BuildProvenance.fields(p);
            return this;
        }

        /**
         * Core's checks of the request (e.g. the version suffix), on the controller, before the
         * workspace, the credentials or the agent are touched; throws core's IllegalArgumentException.
         */
        void validate() {
            toRequest(new File("."));
        }

        /** Core validates here (e.g. the version suffix), before anything is built. */
        PublishRequest toRequest(File projectDir) {
            return PublishRequest.builder(projectDir.toPath(), stage)
                    .python(python)
                    .wheel(wheel)
                    .buildIsolation(buildIsolation)
                    .overwrite(overwrite)
                    .docs(docs)
                    .docsModules(List.copyOf(docsModules))
                    .docsPython(docsPython)
                    .versionSuffix(versionSuffix)
                    .publishedBy(publishedBy)
                    .sourceRevision(sourceRevision)
                    .provenance(Provenance.of(provenance == null ? Map.of() : provenance, List.of()))
                    .indexUrl(indexUrl)
                    .buildTimeout(buildTimeoutMinutes > 0 ? Duration.ofMinutes(buildTimeoutMinutes) : null)
                    .build();
        }
    }
}
