package io.pypub.server.cli;

import io.pypub.core.publish.PublishBuild;
import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.publish.PublishSummary;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.ReleaseThreads;
import io.pypub.core.notify.Notifier;
import io.pypub.core.config.Config;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Builds a project and publishes it: the same pipeline the Jenkins step runs. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Build a Python project (sdist + wheel) and publish it to S3 + DynamoDB.")
final class PublishCommand implements Callable<Integer>, CliSettings.Uses {
    @Mixin
    AwsOptions aws;

    @Spec
    CommandSpec spec;

    /**
     * Core's PUBLISH settings (stage, python, docs-python, version-suffix, build-timeout, Slack), the index URL, and the
     * stage's upstreams for the public-name check.
     */
    @Override
    public List<Setting<?>> settings() {
        List<Setting<?>> settings = new java.util.ArrayList<>(Settings.group(Setting.Group.PUBLISH));
        settings.add(Settings.INDEX_URL);
        settings.addAll(List.of(Settings.UPSTREAM, Settings.UPSTREAM_TIMEOUT_SECONDS));
        return settings;
    }

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROJECT-DIR", defaultValue = ".",
            description = "Folder of the Python project (default: the current folder).")
    Path project;

    @Option(names = "--no-wheel", description = "Build and publish the sdist only.")
    boolean noWheel;

    @Option(names = "--no-isolation", description = "Build in the interpreter's environment instead of an isolated one.")
    boolean noIsolation;

    @Option(names = "--no-docs", description = "Do not build and upload API docs with pdoc.")
    boolean noDocs;

    @Option(names = "--docs-modules", split = ",", description = "Modules to document (default: the wheel's top-level modules).")
    List<String> docsModules;

    @Option(names = "--no-slack", description = "Do not post to Slack even if Slack is configured.")
    boolean noSlack;

    @Option(names = "--overwrite", description = "Replace an already published version (releases are immutable otherwise).")
    boolean overwrite;

    @Option(names = {"--actor", "--published-by"}, defaultValue = "${env:BUILD_URL}",
            description = "Who or what publishes, recorded with the release and in the audit trail (default: $BUILD_URL, else user@host).")
    String publishedBy;

    @Option(names = "--source-revision", defaultValue = "${env:GIT_COMMIT}", description = "Source revision (default: $GIT_COMMIT).")
    String sourceRevision;

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress stays on stderr).")
    boolean json;

    @Option(names = "--fail-on-public-name", description = "Fail (before any upload) when the project's name also exists on the "
            + "stage's upstream (the upstream setting); without it that is a warning.")
    boolean failOnPublicName;

    @Option(names = {"-v", "--verbose"}, description = "Show the build tools' output.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Config config = CliSettings.config(spec);
        String indexUrl = config.get(Settings.INDEX_URL);
        PublishRequest request = PublishRequest.builder(project, config.get(Settings.STAGE))
                .python(config.get(Settings.PYTHON))
                .wheel(!noWheel)
                .buildIsolation(!noIsolation)
                .overwrite(overwrite)
                .publishedBy(publishedBy != null ? publishedBy : defaultPublisher())
                .sourceRevision(sourceRevision)
                .provenance(provenance(CliSettings.env(spec), sourceRevision))
                .docs(!noDocs)
                .docsModules(docsModules)
                .docsPython(config.get(Settings.DOCS_PYTHON))
                .versionSuffix(config.get(Settings.VERSION_SUFFIX))
                .indexUrl(indexUrl)
                .buildTimeout(Duration.ofMinutes(config.get(Settings.BUILD_TIMEOUT)))
                .build();
        ConsoleLog log = new ConsoleLog(System.err, verbose);
        try (AwsClients clients = AwsOptions.clients(config)) { // settings checked; the SDK clients are built on first use
            io.pypub.core.upstream.UpstreamSettings upstreams = io.pypub.core.upstream.UpstreamSettings.from(config);
            String versionTable = clients.settings().versionTable();
            // With a bot token, the message's thread is kept with the release for later lifecycle notices.
            Notifier notifier = SlackOptions.notifier(config, noSlack,
                    ReleaseThreads.lazy(() -> new DynamoVersionTable(clients.dynamo(), versionTable).releaseThreads()));
            // Every setting is checked: the build starts now, and the SDK clients (a few hundred ms to build) and the
            // check that the version is new are done while it runs.
            LocalCommandRunner runner = new LocalCommandRunner();
            try (PublishBuild build = PublishBuild.start(request, runner, log)) {
                PublishPipeline pipeline = PublishPipeline.on(clients, runner, notifier).checkPublicNames(upstreams, failOnPublicName);
                PublishResult result = pipeline.publish(request, build, log);
                PublishSummary summary = result.summary(indexUrl);
                if (json) {
                    System.out.println(summary.toJson());
                } else {
                    summary.lines().forEach(System.out::println);
                }
            }
        }
        return 0;
    }

    /**
     * What the CI environment says about this build (Jenkins' BUILD_URL, JOB_NAME, BUILD_NUMBER, GIT_COMMIT,
     * NODE_NAME, JENKINS_URL when set); {@code --source-revision} wins over GIT_COMMIT for the commit.
     */
    static Provenance provenance(Map<String, String> env, String sourceRevision) {
        Provenance p = Provenance.fromEnvironment(env);
        if (sourceRevision == null || sourceRevision.isBlank()) {
            return p;
        }
        return new Provenance(p.jenkinsUrl(), p.job(), p.buildNumber(), p.buildUrl(), sourceRevision, p.agent(), p.pluginVersion(),
                p.promotions());
    }

    /**
     * Slack from the environment or a profile only: webhook URLs and tokens are secrets and must not sit in
     * argv or shell history. Core's one rule picks the destination (as in Jenkins).
     */

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
