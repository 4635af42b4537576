package io.pypub.server.cli;

import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.python.CommandRunner;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.notify.Notifier;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.core.util.FileTrees;
import io.pypub.core.access.IssuedKey;
import io.pypub.core.access.KeyPolicy;
import io.pypub.server.access.AccessSettings;
import io.pypub.server.access.AuditLog;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import io.pypub.embedded.EmbeddedAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The whole product on this machine with no AWS account: embedded S3 and DynamoDB servers, a
 * publish of the example package, the index, and a real pip install from it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run everything locally: embedded S3 + DynamoDB, publish examples/hello-package, serve the index, pip install from it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = ".pypub-demo", description = "Folder for the demo's tools, logs and venvs (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--project", description = "Python project to publish (default: examples/hello-package).")
    Path project;

    @Option(names = "--port", defaultValue = "0", description = "Index port (default: any free port).")
    int port;

    @Option(names = "--keep-serving", description = "Keep the index and the embedded servers running after the install (Ctrl-C to stop).")
    boolean keepServing;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private int step;

    @Override
    public Integer call() throws Exception {
        dir = dir.toAbsolutePath().normalize();
        checkPortFree(port); // before minutes of building, not after
        Path source = project != null ? project : Path.of(System.getProperty("pypub.home", ".")).resolve("examples/hello-package");
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("No project at " + source + ": run the demo from the repository root or pass --project");
        }
        say("Preparing the Python tools (build, pdoc, pip, embedded servers) in " + dir.resolve("tools"));
        PythonEnvironment tools = PythonEnvironment.ensure(dir.resolve("tools"), PythonEnvironment.toolsRequirements(),
                line -> System.out.println("    " + line));

        say("Starting embedded S3 and DynamoDB API servers on loopback (logs in " + dir.resolve("logs") + ")");
        try (EmbeddedAws aws = EmbeddedAws.start(tools.python(), dir.resolve("logs"));
                AwsClients clients = clients(aws)) {
            System.out.println("    S3 (" + EmbeddedAws.s3ServerName() + ") at " + aws.s3Endpoint() + ", DynamoDB (moto) at "
                    + aws.dynamoEndpoint());
            new StorageProvisioner(clients).ensureAll().forEach(line -> System.out.println("    " + line));

            // Builds write egg-info and build/ into the project: work on a copy, not the checkout.
            Path work = FileTrees.copyFresh(source, dir.resolve("work").resolve(source.getFileName()),
                    rel -> rel.toString().contains(".egg-info") || rel.startsWith("build") || rel.startsWith("dist"));
            say("Publishing " + source.getFileName() + " to stage 'dev' (build, inspect, upload, record)");
            PublishPipeline pipeline = PublishPipeline.on(clients, new LocalCommandRunner(), Notifier.NONE);
            PublishResult result = pipeline.publish(PublishRequest.builder(work, Stage.of("dev"))
                    .python(tools.python().toString())
                    .buildIsolation(false) // the tools venv has setuptools and wheel: no download needed
                    .publishedBy("pypub demo")
                    .build(), new ConsoleLog(System.out, false));

            say("Creating an API key for stage 'dev' (auth is on, as in production; audit log in " + dir.resolve("logs/audit.log") + ")");
            AuditLog.toFile(dir.resolve("logs/audit.log"));
            IssuedKey key = ChangeLog.on(clients).run(AuditEvent.of("keys.create", "pypub demo").client("demo").detail("stages", "dev"),
                    () -> KeysCommand.keys(clients).create(new KeyPolicy("demo", java.util.Set.of("dev"), java.util.Set.of(),
                            KeyPolicy.DEFAULT_RATE_PER_SECOND, KeyPolicy.DEFAULT_BURST,
                            null, null, null), "pypub demo"), k -> "Created key " + k.key().keyId() + " for client 'demo'");
            System.out.println("    key " + key.key().keyId() + " (shown in full once, here): " + key.token().reveal());
            RequestGuard guard = RequestGuard.forDeployment(clients, AccessSettings.enforcing());
            try (IndexServer server = new IndexServer(new IndexService(clients, IndexSettings.defaults(), guard), "127.0.0.1", port).start()) {
                String simple = server.localUrl() + "/dev/simple/";
                String authed = "http://__token__:" + key.token().reveal() + "@" + server.localUrl().getAuthority() + "/dev/simple/";
                say("Serving the index at " + simple + " (requests without the key get 401)");
                // The demo's own throwaway key on a loopback index: fine to show, and the install line works when pasted.
                result.summary("http://__token__:" + key.token().reveal() + "@" + server.localUrl().getAuthority())
                        .lines().forEach(System.out::println);

                String project = result.release().project();
                say("Installing " + project + " with pip into a fresh virtual environment");
                Path client = dir.resolve("client-venv");
                FileTrees.delete(client);
                run(List.of(PythonEnvironment.baseInterpreter(), "-m", "venv", client.toString()));
                PythonEnvironment clientEnv = PythonEnvironment.at(client);
                // --isolated: only this index counts, whatever pip.conf or PIP_* say on this machine.
                run(List.of(clientEnv.python().toString(), "-m", "pip", "install", "--isolated", "--disable-pip-version-check", "--no-cache-dir",
                        "--index-url", authed, project));
                String module = project.replace('-', '_');
                run(List.of(clientEnv.python().toString(), "-c",
                        "import " + module + " as m; print('    imported', m.__name__, m.__version__, 'from', m.__file__)"));

                System.out.println();
                System.out.println("Done: " + project + " " + result.release().version() + " was published and installed by pip from the index.");
                System.out.println("Try it yourself while the index runs (demo --keep-serving):");
                System.out.println("  pip install --index-url " + authed + " " + project);
                System.out.println("  curl -u __token__:" + key.token().reveal() + " -H 'Accept: application/vnd.pypi.simple.v1+json' "
                        + simple + project + "/");
                System.out.println("Keep keys out of files and logs (README: \"Keep the key out of files and logs\"):");
                System.out.println("  printf 'machine " + server.localUrl().getHost() + " login __token__ password %s\\n' "
                        + key.token().reveal() + " >> ~/.netrc   # then: pip install --index-url " + simple + " " + project);
                System.out.println("  export PIP_INDEX_URL=" + authed + "   # in CI, from a secret variable; pip masks it in its output");
                if (keepServing) {
                    Path file = writeProfile(aws, clients.settings(), server.localUrl().toString(), tools);
                    System.out.println("Profile 'demo' (these embedded servers and this index) written to " + file + ": every pypub "
                            + "command works against this demo with --profile demo (or PYPUB_PROFILE=demo), e.g.");
                    System.out.println("  ./pypub keys list --profile demo");
                    System.out.println("  PYPUB_PROFILE=demo ./pypub config show");
                    System.out.println("Index running at " + simple + " - press Ctrl-C to stop.");
                    server.join();
                }
            }
        } finally {
            AuditLog.close();
        }
        return 0;
    }

    /**
     * Profile {@code demo} in the configuration file (PYPUB_CONFIG, else ~/.config/pypub/config.toml), replacing
     * an older one: the embedded servers' endpoints and keys (which they accept from anyone: not a secret worth
     * the name, but kept owner-only like any key), this index's URL and the demo's interpreter with the build tools. Other profiles and lines stay as they were.
     */
    private Path writeProfile(EmbeddedAws aws, AwsSettings settings, String indexUrl, PythonEnvironment tools) {
        Path file = io.pypub.core.config.Profile.configFile(CliSettings.env(spec));
        Map<io.pypub.core.config.Setting<?>, String> values = new java.util.LinkedHashMap<>();
        values.put(io.pypub.core.config.Settings.BUCKET, settings.bucket());
        values.put(io.pypub.core.config.Settings.VERSION_TABLE, settings.versionTable());
        values.put(io.pypub.core.config.Settings.ACCESS_TABLE, settings.accessTable());
        values.put(io.pypub.core.config.Settings.REGION, settings.region());
        values.put(io.pypub.core.config.Settings.S3_ENDPOINT, aws.s3Endpoint().toString());
        values.put(io.pypub.core.config.Settings.DYNAMODB_ENDPOINT, aws.dynamoEndpoint().toString());
        values.put(io.pypub.core.config.Settings.AWS_ACCESS_KEY_ID, EmbeddedAws.ACCESS_KEY_ID);
        values.put(io.pypub.core.config.Settings.AWS_SECRET_ACCESS_KEY, EmbeddedAws.SECRET_ACCESS_KEY);
        values.put(io.pypub.core.config.Settings.INDEX_URL, indexUrl);
        values.put(io.pypub.core.config.Settings.PYTHON, tools.python().toString()); // it has build and pdoc
        io.pypub.core.config.Profile.write(file, "demo", values, "written by pypub demo --keep-serving; valid while it runs");
        return file;
    }

    /** The default deployment (bucket and tables as {@code pypub init} names them) on the embedded servers. */
    static AwsClients clients(EmbeddedAws aws) {
        AwsSettings settings = new AwsSettings(AwsSettings.DEFAULT_REGION, EmbeddedAws.BUCKET, "", null,
                AwsSettings.DEFAULT_VERSION_TABLE, AwsSettings.DEFAULT_ACCESS_TABLE, aws.s3Endpoint(), aws.dynamoEndpoint());
        return new AwsClients(settings, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(EmbeddedAws.ACCESS_KEY_ID, EmbeddedAws.SECRET_ACCESS_KEY)));
    }

    /** A fixed --port must be free on loopback; 0 means any. */
    static void checkPortFree(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Invalid --port " + port + ": use 1-65535, or 0 for any free port");
        }
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Port " + port + " on 127.0.0.1 is not free (" + e.getMessage()
                    + "): pick another with --port, or leave --port out for any free port");
        }
    }

    private void say(String message) {
        step++;
        System.out.println();
        System.out.println("[" + step + "] " + message);
    }

    private static void run(List<String> command) {
        CommandRunner.CommandResult r = new LocalCommandRunner().run(command, Path.of("."), Map.of(), Duration.ofMinutes(10),
                line -> System.out.println("    " + line));
        if (!r.ok()) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed (exit " + r.exitCode() + ")");
        }
    }


}
