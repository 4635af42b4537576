package io.pypub.jenkins;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.pypub.core.notify.Notifier;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.jenkins.slack.SlackNotices;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs one release lifecycle operation (rollback, unpin, yank, unyank, promote) of core on a
 * background thread of the controller, with the target's AWS credentials (none: the AWS default
 * credential chain of the controller).
 *
 * <p>On the controller, not on an agent, on purpose: these steps need no workspace (so they also
 * work outside {@code node}, e.g. right after an {@code input} that must not hold an executor),
 * and core writes its audit trail (one JSON line per operation, refusals included) to the SLF4J
 * logger {@code pypub.audit}, which on the controller ends up in the Jenkins log; on an agent it
 * could end up nowhere. The cost: a promotion reads each copied object back (to verify its
 * sha256) through the controller.
 */
public abstract class LifecycleExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;

    private final transient String targetName;

    protected LifecycleExecution(StepContext context, String targetName) {
        super(context);
        this.targetName = targetName;
    }

    /**
     * The operation, with the deployment's clients and the build as the actor; returns the step's
     * value (strings, numbers, booleans, lists, maps). Core's refusals (IllegalArgumentException,
     * IllegalStateException) fail the step with core's message.
     */
    protected abstract Map<String, Object> operate(AwsClients aws, PublishTarget target, String actor, PublishLog log,
            Notifier notifier);

    /** What the build log says before the operation, e.g. "Yanking hello-package 1.2.0 in stage 'prod'". */
    protected abstract String describe();

    /** The operation as the build page lists it when it failed or was refused (what, where, why). */
    protected abstract PypubOperation failed(String target, String message);

    @Override
    protected final Map<String, Object> run() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        String[] target = {targetName};
        try {
            Map<String, Object> result = operate(run, target);
            PythonPackageAction.record(run, PypubOperation.lifecycle(target[0], result));
            return result;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            PythonPackageAction.record(run, failed(target[0], e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            throw e;
        }
    }

    /** @param targetName in: the step's target name; out: the resolved target's name (for the build page) */
    private Map<String, Object> operate(Run<?, ?> run, String[] targetName) throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        PublishLog log = new ListenerPublishLog(listener);
        PublishTarget target = PythonPublisherConfiguration.get().resolve(targetName[0]);
        targetName[0] = target.getName();
        AwsKeys keys = AwsCredentialsResolver.forBuild(target.getCredentialsId(), run);
        listener.getLogger().println("[pypub] " + describe() + " of target '" + target.getName() + "' ("
                + (keys == null ? "AWS default credential chain of the controller" : keys.toString()) + ")");
        // The SDK looks up some classes through the context class loader: make it this plugin's (its bundled SDK).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LifecycleExecution.class.getClassLoader());
        try (AwsClients aws = new AwsClients(target.toSettings().toAwsSettings(), keys == null ? null : keys.provider())) {
            RememberingLog remembering = new RememberingLog(log);
            // The target's Slack: with core's token client a reply in the release's thread (kept on the release item).
            Notifier notifier = SlackNotices.forLifecycle(target, run, log,
                    new DynamoVersionTable(aws.dynamo(), aws.settings().versionTable()).releaseThreads());
            Map<String, Object> result = operate(aws, target, actor(run), remembering, notifier);
            Object message = result.get("message");
            if (message != null && !remembering.said(message.toString())) {
                // Core's promote already logs its outcome (the CLI prints it); the others leave it to the caller.
                log.info(message.toString());
            }
            return result;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Refused by core (bad input, or the release's state does not allow it): nothing was written.
            throw new AbortException(e.getMessage());
        } catch (RuntimeException e) {
            if (!io.pypub.core.error.UserError.is(e)) { // core's one rule, as in the CLI
                e.printStackTrace(listener.getLogger());
            }
            throw new AbortException(describe() + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Passes core's progress to the build log and remembers what it said, so that nothing is said twice. */
    private static final class RememberingLog implements PublishLog {
        private final PublishLog delegate;
        private final java.util.Set<String> said = new java.util.HashSet<>();

        RememberingLog(PublishLog delegate) {
            this.delegate = delegate;
        }

        boolean said(String message) {
            return said.contains(message);
        }

        @Override
        public void info(String message) {
            said.add(message);
            delegate.info(message);
        }

        @Override
        public void warn(String message) {
            said.add(message);
            delegate.warn(message);
        }

        @Override
        public void tool(String line) {
            delegate.tool(line);
        }
    }

    /** The audit trail's actor: the build's URL, as the CLI's default ($BUILD_URL). */
    static String actor(Run<?, ?> run) {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        String root = jenkins == null ? null : jenkins.getRootUrl();
        return root != null ? root + run.getUrl() : run.getExternalizableId();
    }
}
