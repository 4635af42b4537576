package io.pypub.jenkins.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.sun.net.httpserver.HttpServer;
import hudson.AbortException;
import hudson.model.FreeStyleBuild;
import hudson.util.Secret;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.PublishNotice;
import io.pypub.core.progress.PublishLog;
import io.pypub.jenkins.PublishPythonPackageStep;
import io.pypub.jenkins.PublishTarget;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The Slack bridge: core's notices, posted from the controller through the Slack plugin or core's client; never fatal. */
@WithJenkins
class SlackNoticesTest {

    private static final class Lines implements PublishLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(String message) {
            lines.add(message);
        }

        @Override
        public void warn(String message) {
            lines.add("WARNING " + message);
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    private static PublishNotice published() {
        return new PublishNotice("hello-package", "hello-package", "0.1.0", "prod",
                List.of(new PublishNotice.FileInfo("hello_package-0.1.0.tar.gz", "ab".repeat(32), 1234)),
                "https://pypi.example.com/prod/simple/hello-package/", null, "https://jenkins.example.com/job/x/1/", "0123456789abcdef0123",
                new PublishNotice.Latest("0.1.0", true, false, null));
    }

    @Test
    void slackFalseNotifiesNobody(JenkinsRule j) throws Exception {
        FreeStyleBuild run = j.buildAndAssertSuccess(j.createFreeStyleProject());
        PublishPythonPackageStep off = new PublishPythonPackageStep();
        off.setSlack(false);
        assertSame(Notifier.NONE, SlackNotices.forStep(off, new PublishTarget("prod"), run, new Lines()));
    }

    @Test
    void usesTheSlackPluginWhenItIsInstalledAndNeverThrows(JenkinsRule j) throws Exception {
        assertTrue(SlackNotices.slackPluginActive());
        FreeStyleBuild run = j.buildAndAssertSuccess(j.createFreeStyleProject());
        PublishTarget target = new PublishTarget("prod");
        target.setSlackChannel("#releases");
        Lines log = new Lines();

        Notifier notifier = SlackNotices.forStep(new PublishPythonPackageStep(), target, run, log);
        assertInstanceOf(SlackPluginNotifier.class, ((SlackNotices.Guarded) notifier).delegate());
        // No token is configured in the Slack plugin: a warning in the log, not an exception.
        notifier.failed(new FailureNotice("hello-package", null, "prod", "The build failed (exit 1).", null, null), log);
        assertTrue(log.text().contains("WARNING Slack:"), log.text());
    }

    @Test
    void withoutTheSlackPluginPostsCoresMessageToTheTargetsWebhook(JenkinsRule j) throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer slack = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slack.createContext("/services/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        slack.start();
        try {
            String webhook = "http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T0001/B0001/webhooksecret42";
            SystemCredentialsProvider.getInstance().getCredentials().add(
                    new StringCredentialsImpl(CredentialsScope.GLOBAL, "slack-webhook", "webhook", Secret.fromString(webhook)));
            FreeStyleBuild run = j.buildAndAssertSuccess(j.createFreeStyleProject());
            PublishTarget target = new PublishTarget("prod");
            target.setSlackWebhookCredentialsId("slack-webhook");
            Lines log = new Lines();

            Notifier notifier = SlackNotices.fromTargetCredentials(target, null, run, log);
            notifier.published(published(), log);

            assertEquals(1, bodies.size(), log.text());
            assertTrue(bodies.get(0).contains("hello-package 0.1.0 published to prod"), bodies.get(0));
            assertTrue(bodies.get(0).contains("\"color\":\"good\""), bodies.get(0));
            assertFalse(log.text().contains("webhooksecret42"), log.text());
        } finally {
            slack.stop(0);
        }
    }

    @Test
    void lifecycleNoticesGoToTheTargetsWebhookAsPlainMessages(JenkinsRule j) throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer slack = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slack.createContext("/services/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        slack.start();
        try {
            String webhook = "http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T0001/B0001/webhooksecret42";
            SystemCredentialsProvider.getInstance().getCredentials().add(
                    new StringCredentialsImpl(CredentialsScope.GLOBAL, "slack-webhook", "webhook", Secret.fromString(webhook)));
            FreeStyleBuild run = j.buildAndAssertSuccess(j.createFreeStyleProject());
            PublishTarget target = new PublishTarget("prod");
            target.setSlackWebhookCredentialsId("slack-webhook");
            Lines log = new Lines();

            Notifier notifier = SlackNotices.fromTargetCredentials(target, null, run, log,
                    io.pypub.core.release.ReleaseThreads.NONE);
            notifier.lifecycle(new io.pypub.core.notify.LifecycleNotice("yank", io.pypub.core.release.Stage.of("prod"), null,
                    "hello-package", "0.1.0", "Yanked hello-package 0.1.0 in stage 'prod'.", "https://ci/job/x/1/", "broken wheel"),
                    log);

            assertEquals(1, bodies.size(), log.text());
            assertTrue(bodies.get(0).contains("Yanked hello-package 0.1.0 in prod"), bodies.get(0));
            assertTrue(bodies.get(0).contains("broken wheel"), bodies.get(0));
            assertFalse(bodies.get(0).contains("thread_ts"), "a webhook cannot thread: " + bodies.get(0));
        } finally {
            slack.stop(0);
        }
    }

    @Test
    void targetCredentialProblemsAreExplained(JenkinsRule j) throws Exception {
        FreeStyleBuild run = j.buildAndAssertSuccess(j.createFreeStyleProject());
        SystemCredentialsProvider.getInstance().getCredentials().add(
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "slack-token", "bot", Secret.fromString("xoxb-not-a-real-token")));
        PublishTarget target = new PublishTarget("prod");
        target.setSlackTokenCredentialsId("slack-token");
        AbortException noChannel = assertThrows(AbortException.class,
                () -> SlackNotices.fromTargetCredentials(target, null, run, new Lines()));
        assertTrue(noChannel.getMessage().contains("no channel"), noChannel.getMessage());

        target.setSlackTokenCredentialsId(null);
        target.setSlackWebhookCredentialsId("missing");
        AbortException missing = assertThrows(AbortException.class,
                () -> SlackNotices.fromTargetCredentials(target, "#releases", run, new Lines()));
        assertTrue(missing.getMessage().contains("'missing'"), missing.getMessage());

        assertSame(Notifier.NONE, SlackNotices.fromTargetCredentials(new PublishTarget("quiet"), "#releases", run, new Lines()));
    }
}
