package io.pypub.core.config;

import static io.pypub.core.config.Setting.Group.DEPLOYMENT;
import static io.pypub.core.config.Setting.Group.IMPORT;
import static io.pypub.core.config.Setting.Group.INDEX;
import static io.pypub.core.config.Setting.Group.PUBLISH;

import io.pypub.core.release.Stage;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every deployment setting of pypub, each declared once. The {@code pypub} options and their help,
 * the environment variables, the Lambda function's variables, the keys of a profile, the Jenkins
 * fields they map to, the defaults and the rules all come from here; {@code SettingsCatalogueTest}
 * walks the list and checks every front end against it.
 */
public final class Settings {
    private Settings() {}

    /** S3's rule for bucket names (the subset every region accepts). */
    static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    static final Pattern REGION_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final String BUCKET_RULE = "3 to 63 lower-case letters, digits, '.' or '-'";
    private static final String TABLE_RULE = "3 to 255 letters, digits, '_', '.' or '-'";

    /** Stage names with core's rule ({@link Stage#of}). */
    private static Parser<Stage> stage() {
        return new Parser<>("a stage name such as dev, test or prod", Stage::of);
    }

    // ---- where the deployment lives (every command that touches it, the Lambda function, the Jenkins target)

    public static final Setting<String> BUCKET = Setting.builder("bucket", DEPLOYMENT, Parser.matching(BUCKET_NAME, BUCKET_RULE))
            .option("--bucket").env("PYPUB_BUCKET").lambda().jenkins(JenkinsField.target("bucket"))
            .help("S3 bucket for packages (required).").build();
    public static final Setting<String> PREFIX = Setting.builder("prefix", DEPLOYMENT, Parser.text())
            .option("--prefix").env("PYPUB_PREFIX").lambda().jenkins(JenkinsField.target("prefix"))
            .help("Key prefix inside the bucket.").build();
    public static final Setting<String> DOCS_BUCKET = Setting.builder("docs-bucket", DEPLOYMENT, Parser.matching(BUCKET_NAME, BUCKET_RULE))
            .option("--docs-bucket").env("PYPUB_DOCS_BUCKET").lambda().jenkins(JenkinsField.target("docsBucket"))
            .help("S3 bucket for docs; default: the package bucket.").build();
    public static final Setting<String> VERSION_TABLE = Setting.builder("version-table", DEPLOYMENT, Parser.matching(TABLE_NAME, TABLE_RULE))
            .option("--version-table").env("PYPUB_VERSION_TABLE").lambda().jenkins(JenkinsField.target("versionTable"))
            .defaultValue("pypub-versions").help("DynamoDB version table.").build();
    public static final Setting<String> ACCESS_TABLE = Setting.builder("access-table", DEPLOYMENT, Parser.matching(TABLE_NAME, TABLE_RULE))
            .option("--access-table").env("PYPUB_ACCESS_TABLE").lambda().jenkins(JenkinsField.target("accessTable"))
            .defaultValue("pypub-access").help("DynamoDB access table (keys, docs users, usage, change log).").build();
    public static final Setting<String> REGION = Setting.builder("region", DEPLOYMENT,
                    Parser.matching(REGION_NAME, "a region name such as eu-west-1"))
            .option("--region").env("AWS_REGION").lambda().jenkins(JenkinsField.target("region"))
            .defaultValue("us-east-1").help("AWS region (Lambda sets AWS_REGION itself).").build();
    public static final Setting<URI> S3_ENDPOINT = Setting.builder("s3-endpoint", DEPLOYMENT, Parser.endpoint())
            .option("--s3-endpoint").env("PYPUB_S3_ENDPOINT").lambda().jenkins(JenkinsField.target("s3Endpoint"))
            .help("Endpoint of an S3-compatible store instead of AWS.").build();
    public static final Setting<URI> DYNAMODB_ENDPOINT = Setting.builder("dynamodb-endpoint", DEPLOYMENT, Parser.endpoint())
            .option("--dynamodb-endpoint").env("PYPUB_DYNAMODB_ENDPOINT").lambda().jenkins(JenkinsField.target("dynamoEndpoint"))
            .help("Endpoint of a DynamoDB-compatible server instead of AWS.").build();
    /**
     * Static AWS keys, for a profile only (the demo's embedded servers, an S3-compatible store). Without
     * them the AWS default chain applies (AWS_ACCESS_KEY_ID, ~/.aws, a role), which also reads the
     * environment: so no variable of pypub's own. Jenkins uses the target's AWS credentials, Lambda its role.
     */
    public static final Setting<String> AWS_ACCESS_KEY_ID = Setting.builder("aws-access-key-id", DEPLOYMENT, Parser.text())
            .cli().help("AWS access key id, for a profile only (otherwise the AWS default chain).").build();
    public static final Setting<String> AWS_SECRET_ACCESS_KEY = Setting.builder("aws-secret-access-key", DEPLOYMENT, Parser.text())
            .cli().secret().help("AWS secret access key, with aws-access-key-id, for a profile only.").build();

    // ---- the index (pypub serve; the Lambda function reads the ones that apply to it)

    public static final Setting<String> INDEX_URL = Setting.builder("index-url", INDEX, Parser.baseUrl())
            .option("--index-url", "--public-url").env("PYPUB_INDEX_URL", "PYPUB_PUBLIC_URL").lambda()
            .jenkins(JenkinsField.target("indexUrl"))
            .help("The index's public base URL, e.g. https://pypi.example.com: install commands and links on pages, in the "
                    + "publish summary and in Slack use it. Without it pages show INDEX-HOST (never the request's Host header).")
            .build();
    public static final Setting<Boolean> NO_AUTH = Setting.builder("no-auth", INDEX, Parser.bool())
            .option("--no-auth").flag().env("PYPUB_NO_AUTH").lambda().defaultValue("false")
            .help("Serve without API keys or docs logins (local use only).").build();
    public static final Setting<Double> CACHE_SECONDS = Setting.builder("cache-seconds", INDEX, Parser.seconds(0, 3600))
            .option("--cache-seconds").env("PYPUB_CACHE_SECONDS").lambda().defaultValue("1")
            .help("Seconds table reads are cached: how long a new release may take to show.").build();
    public static final Setting<Double> PRESIGN_SECONDS = Setting.builder("presign-seconds", INDEX, Parser.seconds(1, 7 * 24 * 3600))
            .option("--presign-seconds").env("PYPUB_PRESIGN_SECONDS").lambda().defaultValue("300")
            .help("Seconds a presigned download URL is valid at least (download mode REDIRECT; SigV4 allows up to 7 days). "
                    + "A link is handed out again for a fifth of this, at most a minute, and signed for that much longer.").build();
    public static final Setting<Double> KEY_CACHE_SECONDS = Setting.builder("key-cache-seconds", INDEX, Parser.seconds(0, 3600))
            .option("--key-cache-seconds").env("PYPUB_KEY_CACHE_SECONDS").lambda().defaultValue("2")
            .help("Seconds key and user records are cached: how long a revocation takes to bite.").build();
    public static final Setting<Integer> FAILED_LOGIN_LIMIT = Setting.builder("failed-login-limit", INDEX, Parser.integer(1, 1_000_000))
            .option("--failed-login-limit").env("PYPUB_FAILED_LOGIN_LIMIT").lambda().defaultValue("20")
            .help("Costly failed logins (unknown key ids, bad docs passwords) per client address and minute before that "
                    + "address may no longer cause key lookups or password checks (429); its valid keys still pass.").build();
    public static final Setting<Integer> KEY_FAILURE_LIMIT = Setting.builder("key-failure-limit", INDEX, Parser.integer(1, 1_000_000))
            .option("--key-failure-limit").env("PYPUB_KEY_FAILURE_LIMIT").lambda().defaultValue("20")
            .help("Failed attempts with one key id per minute before further failed attempts with it get 429; "
                    + "its right secret still passes.").build();
    public static final Setting<Integer> PASSWORD_CHECKS = Setting.builder("password-checks", INDEX, Parser.integer(1, 256))
            .option("--password-checks").env("PYPUB_PASSWORD_CHECKS").lambda().defaultValue("1")
            .help("Docs password checks (bcrypt, ~0.2 s of a core each) run at once; a login that waits more than "
                    + "a quarter second for one gets 503 + Retry-After.").build();
    public static final Setting<String> HOST = Setting.builder("host", INDEX, Parser.text())
            .option("--host").env("PYPUB_HOST").defaultValue("127.0.0.1")
            .help("Address to listen on (0.0.0.0 for all interfaces).").build();
    public static final Setting<Integer> PORT = Setting.builder("port", INDEX, Parser.integer(0, 65535))
            .option("--port").env("PYPUB_PORT").defaultValue("8080").help("Port to listen on (0: any free port).").build();
    public static final Setting<DownloadMode> DOWNLOAD_MODE = Setting.builder("download-mode", INDEX, Parser.choice(DownloadMode.class))
            .option("--download-mode").env("PYPUB_DOWNLOAD_MODE").defaultValue("STREAM")
            .help("STREAM files through the server or REDIRECT to presigned S3 URLs (the Lambda function always redirects).").build();
    public static final Setting<List<String>> TRUSTED_PROXIES = Setting.builder("trusted-proxy", INDEX, Parser.list())
            .option("--trusted-proxy").env("PYPUB_TRUSTED_PROXIES")
            .help("Proxy addresses or CIDR ranges (comma-separated) whose X-Forwarded-For is believed.").build();
    public static final Setting<Path> AUDIT_LOG = Setting.builder("audit-log", INDEX, Parser.path())
            .option("--audit-log").env("PYPUB_AUDIT_LOG")
            .help("Append the audit log (JSON lines) to this file instead of stdout.").build();
    public static final Setting<Double> USAGE_FLUSH_SECONDS = Setting.builder("usage-flush-seconds", INDEX, Parser.seconds(0, 3600))
            .option("--usage-flush-seconds").env("PYPUB_USAGE_FLUSH_SECONDS").defaultValue("1")
            .help("Seconds downloads of keys without a quota are added up before they are written to the access table "
                    + "(0: each at once; downloads of keys with a quota are always counted at once). Not on Lambda, whose "
                    + "frozen instances could not write them out.").build();
    public static final Setting<Integer> MAX_THREADS = Setting.builder("max-threads", INDEX, Parser.integer(8, 4096))
            .option("--max-threads").env("PYPUB_MAX_THREADS").defaultValue("32")
            .help("Most requests served at once (Jetty threads); more wait their turn. Each thread costs native memory: "
                    + "keep the default in a 128 MiB container.").build();
    public static final Setting<Path> DOWNLOAD_CACHE_DIR = Setting.builder("download-cache-dir", INDEX, Parser.path())
            .option("--download-cache-dir").env("PYPUB_DOWNLOAD_CACHE_DIR")
            .help("Directory of the download cache (owner-only; default $XDG_CACHE_HOME/pypub/downloads or "
                    + "~/.cache/pypub/downloads). Package files are named by sha256, so a cached copy never goes stale.").build();
    public static final Setting<Long> DOWNLOAD_CACHE_MAX_BYTES = Setting.builder("download-cache-max-bytes", INDEX, Parser.size())
            .option("--download-cache-max-bytes").env("PYPUB_DOWNLOAD_CACHE_MAX_BYTES").defaultValue("1GiB")
            .help("Most bytes the download cache keeps on disk (least recently served files go first; 0: no cache, every "
                    + "streamed download reads S3). Files are cached only after their size and sha256 matched the record.").build();
    public static final Setting<UploadLimits> UPLOAD_MAX_BYTES = Setting.builder("upload-max-bytes", INDEX,
                    new Parser<>(UploadLimits.RULE, UploadLimits::parse))
            .option("--upload-max-bytes").env("PYPUB_UPLOAD_MAX_BYTES", "PYPUB_MAX_UPLOAD_BYTES").lambda().defaultValue("100MB")
            .help("Largest upload (POST /{stage}/legacy/) the index takes, e.g. 100MB, or per stage: 100MB,dev=200MB,prod=50MB "
                    + "(KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024). Larger ones get 413, from Content-Length before the "
                    + "body is read, or when a chunked body passes it.").build();
    public static final Setting<Path> TLS_KEYSTORE = Setting.builder("tls-keystore", INDEX, Parser.path())
            .option("--tls-keystore").env("PYPUB_TLS_KEYSTORE")
            .help("Serve HTTPS with this PKCS#12 key store (certificate + private key). Without it: plain HTTP, behind a TLS proxy.")
            .build();
    public static final Setting<String> TLS_KEYSTORE_PASSWORD = Setting.builder("tls-keystore-password", INDEX, Parser.text())
            .cli().env("PYPUB_TLS_KEYSTORE_PASSWORD").secret().help("Password of the TLS key store.").build();

    // ---- upstreams and sign-in sessions (issue 14; pypub serve and the Lambda function, publish's public-name check)

    public static final Setting<List<String>> UPSTREAM = Setting.builder("upstream", INDEX, UpstreamRules.upstreams())
            .option("--upstream").repeatable().urlCredentials().env("PYPUB_UPSTREAM").lambda()
            .help("Upstream simple indexes of stages, STAGE=URL, e.g. dev=https://pypi.org/simple/ (repeat the option or "
                    + "separate with ';'; a stage's upstreams are asked in order). Projects the stage does not have come from "
                    + "them. Credentials in a URL are a secret: give them in the environment or a profile; they are never shown.")
            .build();
    public static final Setting<List<String>> UPSTREAM_MODE = Setting.builder("upstream-mode", INDEX, UpstreamRules.modes())
            .option("--upstream-mode").repeatable().env("PYPUB_UPSTREAM_MODE").lambda().defaultValue("cache")
            .help("cache (fetch each upstream file once, verify its sha256, keep it in S3) or redirect (302 to the upstream; "
                    + "not with credentials); STAGE=MODE for one stage.").build();
    public static final Setting<List<String>> PRIVATE_NAMES = Setting.builder("private-names", INDEX, UpstreamRules.privateNames())
            .option("--private-names").repeatable().env("PYPUB_PRIVATE_NAMES").lambda()
            .help("Name patterns never looked up upstream, [STAGE=]PATTERN,PATTERN, e.g. dev=acme-*,internal-* (no STAGE=: "
                    + "every stage). Names the stage has and reserved names (pypub names reserve) are private too.").build();
    public static final Setting<Double> UPSTREAM_PAGE_SECONDS = Setting.builder("upstream-page-seconds", INDEX, Parser.seconds(0, 86400))
            .option("--upstream-page-seconds").env("PYPUB_UPSTREAM_PAGE_SECONDS").lambda().defaultValue("600")
            .help("Seconds an upstream project page is reused before it is fetched again; when the upstream fails, the last "
                    + "good page is served, marked stale.").build();
    public static final Setting<Double> UPSTREAM_TIMEOUT_SECONDS = Setting.builder("upstream-timeout-seconds", INDEX,
                    Parser.seconds(0.1, 300))
            .option("--upstream-timeout-seconds").env("PYPUB_UPSTREAM_TIMEOUT_SECONDS").lambda().defaultValue("5")
            .help("Seconds to wait for an upstream before answering from the last good copy or 502.").build();
    public static final Setting<String> SESSION_SECRET = Setting.builder("session-secret", INDEX,
                    Parser.matching(Pattern.compile(".{32,}"), "at least 32 characters"))
            .cli().env("PYPUB_SESSION_SECRET").lambda().secret()
            .help("Key that signs sign-in cookies, the same on every instance (32+ random characters); without it each "
                    + "process signs with its own random key, so sessions end when it restarts.").build();

    // ---- publishing (pypub publish, the publishPythonPackage step and its target)

    public static final Setting<Stage> STAGE = Setting.builder("stage", PUBLISH, stage())
            .option("--stage").env("PYPUB_STAGE").jenkins(JenkinsField.step("stage"), JenkinsField.target("defaultStage"))
            .defaultValue("dev").help("Stage to publish to (in Jenkins: the step's stage, else the target's default stage).").build();
    public static final Setting<String> PYTHON = Setting.builder("python", PUBLISH, Parser.text())
            .option("--python").env("PYPUB_PYTHON").jenkins(JenkinsField.step("python")).defaultValue("python3")
            .help("Interpreter with 'build' installed, and 'pip' and 'pdoc' for the docs.").build();
    public static final Setting<String> DOCS_PYTHON = Setting.builder("docs-python", PUBLISH, Parser.text())
            .option("--docs-python").env("PYPUB_DOCS_PYTHON").jenkins(JenkinsField.step("docsPython"))
            .help("Interpreter for pdoc that already has pdoc and the package's dependencies. Default: the build interpreter, "
                    + "with the package's dependencies installed from the target stage into a throwaway folder.").build();
    public static final Setting<String> VERSION_SUFFIX = Setting.builder("version-suffix", PUBLISH, Parser.text())
            .option("--version-suffix").env("PYPUB_VERSION_SUFFIX").jenkins(JenkinsField.step("versionSuffix"))
            .help("Suffix added to the version at build time, e.g. .dev42; in Jenkins .dev${BUILD_NUMBER} (setuptools projects).").build();
    public static final Setting<Integer> BUILD_TIMEOUT = Setting.builder("build-timeout", PUBLISH, Parser.integer(1, 1440))
            .option("--build-timeout").env("PYPUB_BUILD_TIMEOUT").jenkins(JenkinsField.step("buildTimeout")).defaultValue("30")
            .help("Minutes the build (and pdoc) may take.").build();
    public static final Setting<String> SLACK_CHANNEL = Setting.builder("slack-channel", PUBLISH, Parser.text())
            .option("--slack-channel").env("PYPUB_SLACK_CHANNEL")
            .jenkins(JenkinsField.step("slackChannel"), JenkinsField.target("slackChannel"))
            .help("Slack channel for a bot token (chat.postMessage); an incoming webhook posts to its own channel.").build();
    public static final Setting<String> SLACK_WEBHOOK_URL = Setting.builder("slack-webhook-url", PUBLISH, Parser.text())
            .cli().env("PYPUB_SLACK_WEBHOOK_URL").secret().jenkins(JenkinsField.targetCredentials("slackWebhookCredentialsId"))
            .help("Slack incoming webhook URL.").build();
    public static final Setting<String> SLACK_TOKEN = Setting.builder("slack-token", PUBLISH, Parser.text())
            .cli().env("PYPUB_SLACK_TOKEN").secret().jenkins(JenkinsField.targetCredentials("slackTokenCredentialsId"))
            .help("Slack bot token; needs the slack-channel setting.").build();

    // ---- import (pypub import)

    // 16: a worker mostly waits on S3 and DynamoDB round trips, so 16 keep two cores busier than 8. Scale benchmark,
    // quiet machine, 10,000 releases: 68.0 files/s at 16 against 48.5 and 50.2 at 8.
    public static final Setting<Integer> IMPORT_PARALLEL = Setting.builder("import-parallel", IMPORT, Parser.integer(1, 64))
            .option("--import-parallel").env("PYPUB_IMPORT_PARALLEL").defaultValue("16")
            .help("Projects pypub import brings in at once (and files it downloads or inspects at once); the releases of one "
                    + "project go one after the other. 1: one file after the other.").build();

    /** The settings that pick the configuration itself; not profile keys. */
    public static final String PROFILE_OPTION = "--profile";
    public static final String PROFILE_ENV = "PYPUB_PROFILE";
    public static final String CONFIG_ENV = "PYPUB_CONFIG";

    private static final List<Setting<?>> ALL = List.of(BUCKET, PREFIX, DOCS_BUCKET, VERSION_TABLE, ACCESS_TABLE, REGION,
            S3_ENDPOINT, DYNAMODB_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
            INDEX_URL, NO_AUTH, CACHE_SECONDS, PRESIGN_SECONDS, KEY_CACHE_SECONDS, FAILED_LOGIN_LIMIT, KEY_FAILURE_LIMIT,
            PASSWORD_CHECKS, HOST, PORT, DOWNLOAD_MODE, TRUSTED_PROXIES, AUDIT_LOG, USAGE_FLUSH_SECONDS, MAX_THREADS,
            DOWNLOAD_CACHE_DIR, DOWNLOAD_CACHE_MAX_BYTES, UPLOAD_MAX_BYTES,
            TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD,
            UPSTREAM, UPSTREAM_MODE, PRIVATE_NAMES, UPSTREAM_PAGE_SECONDS, UPSTREAM_TIMEOUT_SECONDS, SESSION_SECRET,
            STAGE, PYTHON, DOCS_PYTHON, VERSION_SUFFIX, BUILD_TIMEOUT, SLACK_CHANNEL, SLACK_WEBHOOK_URL, SLACK_TOKEN,
            IMPORT_PARALLEL);

    /** How the index hands out files. */
    public enum DownloadMode { STREAM, REDIRECT }

    public static List<Setting<?>> all() {
        return ALL;
    }

    public static List<Setting<?>> group(Setting.Group group) {
        return ALL.stream().filter(s -> s.group() == group).toList();
    }

    public static List<Setting<?>> readBy(Front front) {
        return ALL.stream().filter(s -> s.readBy(front)).toList();
    }

    public static Optional<Setting<?>> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The setting a Jenkins field holds, if any. */
    public static Optional<Setting<?>> forJenkinsField(JenkinsField.Owner owner, String field) {
        return ALL.stream().filter(s -> s.jenkins().stream().anyMatch(j -> j.owner() == owner && j.name().equals(field))).findFirst();
    }
}
