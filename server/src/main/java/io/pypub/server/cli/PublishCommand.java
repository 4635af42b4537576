package io.pypub.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.notify.Notifier;
import io.pypub.core.notify.slack.SlackDestination;
import io.pypub.core.notify.slack.SlackNotifier;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Builds a project and publishes it: the same pipeline the Jenkins step runs. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Build a Python project (sdist + wheel) and publish it to S3 + DynamoDB.")
final class PublishCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROJECT-DIR", defaultValue = ".",
            description = "Folder of the Python project (default: the current folder).")
    Path project;

    @Option(names = "--stage", defaultValue = "${env:PYPUB_STAGE:-dev}", description = "Stage to publish to (default ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--python", defaultValue = "${env:PYPUB_PYTHON:-python3}",
            description = "Interpreter with 'build' installed, and 'pip' and 'pdoc' for the docs (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-wheel", description = "Build and publish the sdist only.")
    boolean noWheel;

    @Option(names = "--no-isolation", description = "Build in the interpreter's environment instead of an isolated one.")
    boolean noIsolation;

    @Option(names = "--no-docs", description = "Do not build and upload API docs with pdoc.")
    boolean noDocs;

    @Option(names = "--docs-python", defaultValue = "${env:PYPUB_DOCS_PYTHON}",
            description = "Interpreter for pdoc that already has pdoc and the package's dependencies (env PYPUB_DOCS_PYTHON). "
                    + "Default: --python, with the package's dependencies installed from the target stage into a throwaway folder.")
    String docsPython;

    @Option(names = "--docs-modules", split = ",", description = "Modules to document (default: the wheel's top-level modules).")
    List<String> docsModules;

    @Option(names = "--version-suffix", defaultValue = "${env:PYPUB_VERSION_SUFFIX}",
            description = "Suffix added to the version at build time, e.g. .dev42; in Jenkins .dev$${BUILD_NUMBER} (setuptools projects).")
    String versionSuffix;

    @Option(names = "--slack-channel", defaultValue = "${env:PYPUB_SLACK_CHANNEL}",
            description = "Slack channel for chat.postMessage (the token comes from env PYPUB_SLACK_TOKEN). "
                    + "Or set env PYPUB_SLACK_WEBHOOK_URL for an incoming webhook.")
    String slackChannel;

    @Option(names = "--no-slack", description = "Do not post to Slack even if Slack is configured.")
    boolean noSlack;

    @Option(names = "--overwrite", description = "Replace an already published version (releases are immutable otherwise).")
    boolean overwrite;

    @Option(names = {"--actor", "--published-by"}, defaultValue = "${env:BUILD_URL}",
            description = "Who or what publishes, recorded with the release and in the audit trail (default: $BUILD_URL, else user@host).")
    String publishedBy;

    @Option(names = "--source-revision", defaultValue = "${env:GIT_COMMIT}", description = "Source revision (default: $GIT_COMMIT).")
    String sourceRevision;

    @Option(names = "--index-url", defaultValue = "${env:PYPUB_INDEX_URL}", description = "Public base URL of the index, for links in the summary.")
    String indexUrl;

    @Option(names = "--build-timeout", defaultValue = "30", description = "Minutes the build may take (default ${DEFAULT-VALUE}).")
    long buildTimeoutMinutes;

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress stays on stderr).")
    boolean json;

    @Mixin
    UpstreamOptions upstream;

    @Option(names = "--fail-on-public-name", description = "Fail (before any upload) when the project's name also exists on the "
            + "stage's upstream (--upstream); without it that is a warning.")
    boolean failOnPublicName;

    @Option(names = {"-v", "--verbose"}, description = "Show the build tools' output.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PublishRequest request = PublishRequest.builder(project, Stage.of(stage))
                .python(python)
                .wheel(!noWheel)
                .buildIsolation(!noIsolation)
                .overwrite(overwrite)
                .publishedBy(publishedBy != null ? publishedBy : defaultPublisher())
                .sourceRevision(sourceRevision)
                .docs(!noDocs)
                .docsModules(docsModules)
                .docsPython(docsPython)
                .versionSuffix(versionSuffix)
                .indexUrl(indexUrl)
                .buildTimeout(Duration.ofMinutes(buildTimeoutMinutes))
                .build();
        try (AwsClients clients = aws.clients()) {
            PublishPipeline pipeline = PublishPipeline.on(clients, new LocalCommandRunner(), notifier())
                    .checkPublicNames(upstream.settings(), failOnPublicName);
            PublishResult result = pipeline.publish(request, new ConsoleLog(System.err, verbose));
            Map<String, Object> summary = result.summary(indexUrl);
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
            } else {
                printSummary(summary);
            }
        }
        return 0;
    }

    /** Slack from the environment only: webhook URLs and tokens are secrets and must not sit in argv or shell history. */
    private Notifier notifier() {
        if (noSlack) {
            return Notifier.NONE;
        }
        String webhook = System.getenv("PYPUB_SLACK_WEBHOOK_URL");
        String token = System.getenv("PYPUB_SLACK_TOKEN");
        if (token != null && !token.isBlank()) {
            if (slackChannel == null || slackChannel.isBlank()) {
                throw new IllegalArgumentException("PYPUB_SLACK_TOKEN is set but no channel: pass --slack-channel or set PYPUB_SLACK_CHANNEL");
            }
            return new SlackNotifier(SlackDestination.bot(token, slackChannel));
        }
        if (webhook != null && !webhook.isBlank()) {
            return new SlackNotifier(SlackDestination.webhook(webhook));
        }
        return Notifier.NONE;
    }

    @SuppressWarnings("unchecked")
    static void printSummary(Map<String, Object> s) {
        System.out.println("Published " + s.get("name") + " " + s.get("version") + " to stage '" + s.get("stage") + "'");
        for (Map<String, Object> f : (List<Map<String, Object>>) s.get("files")) {
            System.out.printf("  %-50s %8d bytes  sha256 %s%n", f.get("filename"), ((Number) f.get("size")).longValue(), f.get("sha256"));
        }
        System.out.println("  latest: " + s.get("latest") + (Boolean.TRUE.equals(s.get("latestPinned")) ? " (pinned)" : ""));
        if (s.containsKey("installCommand")) {
            System.out.println("  install: " + s.get("installCommand"));
        }
    }

    static String defaultPublisher() {
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return user + "@" + host;
    }
}
