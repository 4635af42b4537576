package io.pypub.server.access;

import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.cli.PypubCli;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fresh deployment with index servers that enforce access control, the {@code pypub} command
 * line pointed at the same deployment, real pip, and a capture of every log line.
 */
final class AccessFixture implements AutoCloseable {
    /** Key and user records are cached for 1 s here: revocation tests wait that long, not 2 s. */
    static final Duration CACHE_TTL = Duration.ofSeconds(1);

    final TestEnvironment env = TestEnvironment.get();
    final Deployment deployment = env.newDeployment();
    final AccessSettings settings;
    final List<IndexServer> servers = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final LogCapture logs = LogCapture.attach();
    /** Everything the CLI and pip printed, for the secret scan. */
    final StringBuilder outputs = new StringBuilder();

    AccessFixture() {
        this(AccessSettings.enforcing().withCacheTtl(CACHE_TTL));
    }

    AccessFixture(AccessSettings settings) {
        this.settings = settings;
        startServer();
    }

    IndexServer startServer() {
        RequestGuard guard = RequestGuard.forDeployment(deployment.clients(), settings);
        IndexServer s = new IndexServer(new IndexService(deployment.clients(), IndexSettings.defaults(), guard), "127.0.0.1", 0).start();
        servers.add(s);
        return s;
    }

    IndexServer server() {
        return servers.get(0);
    }

    PublishResult publish(String example, String stage) {
        return deployment.pipeline().publish(PublishRequest.builder(env.copyOfExample(example), Stage.of(stage))
                .python(env.python().python().toString())
                .buildIsolation(false)
                .publishedBy("test")
                .build(), new RecordingLog());
    }

    String url(String path) {
        return server().localUrl() + path;
    }

    /** An index URL with the key as the Basic password, as in pip.conf: {@code http://__token__:KEY@host/path}. */
    static String withKey(IndexServer server, String key, String path) {
        return "http://__token__:" + key + "@" + server.localUrl().getAuthority() + path;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        return get(server(), path, headers);
    }

    HttpResponse<byte[]> get(IndexServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.localUrl() + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    record CliResult(int exitCode, String stdout, String stderr) {}

    /** Runs {@code pypub ARGS --bucket ... --dynamodb-endpoint ...} on this deployment, with {@code stdin} as its input. */
    synchronized CliResult cli(String stdin, String... args) {
        AwsSettings s = deployment.settings();
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("audit")) { // the only command that reads files, not the deployment
            all.addAll(List.of("--bucket", s.bucket(), "--version-table", s.versionTable(), "--access-table", s.accessTable(),
                "--s3-endpoint", s.s3Endpoint().toString(), "--dynamodb-endpoint", s.dynamoEndpoint().toString(),
                "--region", s.region()));
        }
        // The CLI takes AWS credentials from the default chain (set per call: other tests clear them); the local servers accept any.
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            code = PypubCli.run(all.toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
        CliResult r = new CliResult(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        outputs.append(r.stdout()).append(r.stderr());
        return r;
    }

    /** {@code pypub keys create ARGS}: the new key (the only line on stdout). */
    String createKey(String... args) {
        List<String> all = new ArrayList<>(List.of("keys", "create"));
        all.addAll(List.of(args));
        CliResult r = cli(null, all.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError("keys create failed: " + r.stderr());
        }
        return r.stdout().strip();
    }

    static String keyId(String key) {
        return key.substring("pypub_".length(), "pypub_".length() + 10);
    }

    record Run(int exitCode, String output) {}

    /** Runs pip (never prompting, ignoring this machine's pip configuration) and returns its exit code and output. */
    Run pip(PythonEnvironment venv, String... args) {
        List<String> command = new ArrayList<>(List.of(venv.python().toString(), "-m", "pip"));
        command.add(args[0]);
        command.addAll(List.of("--isolated", "--no-input", "--disable-pip-version-check", "--no-cache-dir"));
        command.addAll(List.of(args).subList(1, args.length));
        StringBuilder out = new StringBuilder();
        var r = new LocalCommandRunner().run(command, Path.of("").toAbsolutePath(), Map.of(), Duration.ofMinutes(3),
                line -> out.append(line).append('\n'));
        outputs.append(out);
        return new Run(r.exitCode(), out.toString());
    }

    @Override
    public void close() {
        logs.stop();
        servers.forEach(IndexServer::close);
        deployment.close();
    }
}
