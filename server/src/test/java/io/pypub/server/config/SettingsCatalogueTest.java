package io.pypub.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.config.Config;
import io.pypub.core.config.ConfigException;
import io.pypub.core.config.Front;
import io.pypub.core.config.JenkinsField;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.cli.PypubCli;
import io.pypub.server.lambda.LambdaConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, "every setting has one declaration": walks every setting of core's catalogue and checks
 * that the command line's option, the environment variable, the Lambda function's variable and the
 * Jenkins field agree on name, default and rule. The command line and Lambda are run for real
 * ({@code PypubCli.run}, {@code LambdaConfiguration.fromEnvironment}); the Jenkins plugin, which the
 * default build cannot compile, is read as text (its classes, config.jelly and help files).
 */
class SettingsCatalogueTest {
    /** A valid value of every setting: a new setting without one fails {@link #everySettingHasSamples()}. */
    static final Map<String, String> VALID = Map.ofEntries(
            Map.entry("bucket", "acme-packages"), Map.entry("prefix", "python/"), Map.entry("docs-bucket", "acme-docs"),
            Map.entry("version-table", "acme-versions"), Map.entry("access-table", "acme-access"), Map.entry("region", "eu-west-1"),
            Map.entry("s3-endpoint", "http://127.0.0.1:9000"), Map.entry("dynamodb-endpoint", "http://127.0.0.1:8000"),
            Map.entry("aws-access-key-id", "AKIDEXAMPLE"), Map.entry("aws-secret-access-key", "wJalrXUtnFEMI-SECRET"),
            Map.entry("index-url", "https://pypi.example.com"), Map.entry("no-auth", "true"), Map.entry("cache-seconds", "0.5"),
            Map.entry("presign-seconds", "120"), Map.entry("key-cache-seconds", "5"), Map.entry("failed-login-limit", "7"),
            Map.entry("key-failure-limit", "9"), Map.entry("password-checks", "2"), Map.entry("host", "0.0.0.0"),
            Map.entry("port", "9090"), Map.entry("download-mode", "REDIRECT"), Map.entry("trusted-proxy", "10.0.0.0/8"),
            Map.entry("audit-log", "/var/log/pypub/audit.log"), Map.entry("usage-flush-seconds", "3"), Map.entry("max-threads", "64"),
            Map.entry("upload-max-bytes", "200MB,prod=50MB"), Map.entry("download-cache-dir", "/var/cache/pypub"),
            Map.entry("download-cache-max-bytes", "512MiB"),
            Map.entry("tls-keystore", "/etc/pypub/index.p12"), Map.entry("tls-keystore-password", "hunter2-SECRET"),
            Map.entry("stage", "test"), Map.entry("python", "/usr/bin/python3"), Map.entry("docs-python", "/opt/py/bin/python"),
            Map.entry("version-suffix", ".dev7"), Map.entry("build-timeout", "45"), Map.entry("slack-channel", "#releases"),
            Map.entry("slack-webhook-url", "https://hooks.slack.com/services/T0/B0/SECRET"), Map.entry("slack-token", "xoxb-SECRET"),
            // upstreams and sign-in sessions (issue 14)
            Map.entry("upstream", "dev=https://mirror.example/simple/"), Map.entry("upstream-mode", "redirect"),
            Map.entry("private-names", "dev=acme-*,internal-*"), Map.entry("upstream-page-seconds", "60"),
            Map.entry("upstream-timeout-seconds", "2.5"), Map.entry("session-secret", "0123456789abcdef0123456789abcdef-SECRET"),
            Map.entry("import-parallel", "4"));

    /** An invalid value of every setting that has a rule beyond "any text". */
    static final Map<String, String> INVALID = Map.ofEntries(
            Map.entry("bucket", "Bad_Bucket"), Map.entry("docs-bucket", "Bad_Bucket"), Map.entry("version-table", "x"),
            Map.entry("access-table", "x"), Map.entry("region", "Eu West"), Map.entry("s3-endpoint", "notaurl"),
            Map.entry("dynamodb-endpoint", "localhost:8000"), Map.entry("index-url", "ftp://pypi.example.com"),
            Map.entry("no-auth", "maybe"), Map.entry("cache-seconds", "NaN"), Map.entry("presign-seconds", "999999999"),
            Map.entry("key-cache-seconds", "-1"), Map.entry("failed-login-limit", "0"), Map.entry("key-failure-limit", "many"),
            Map.entry("password-checks", "0"), Map.entry("port", "70000"), Map.entry("download-mode", "SOMETIMES"),
            Map.entry("usage-flush-seconds", "-1"), Map.entry("max-threads", "2"), Map.entry("stage", "Prod!"),
            Map.entry("build-timeout", "0"), Map.entry("upload-max-bytes", "100 parsecs"),
            Map.entry("download-cache-max-bytes", "-1"),
            // upstreams and sign-in sessions (issue 14)
            Map.entry("upstream", "dev=ftp://mirror.example/simple/"), Map.entry("upstream-mode", "mirror"),
            Map.entry("private-names", "dev=acme/*"), Map.entry("upstream-page-seconds", "-5"),
            Map.entry("upstream-timeout-seconds", "0"), Map.entry("session-secret", "too-short"),
            Map.entry("import-parallel", "0"));

    /** Step and target fields that are no deployment setting: per-run switches (the CLI has them as flags) or Jenkins' own. */
    static final Set<String> JENKINS_ONLY = Set.of("name", "credentialsId", "target", "path", "wheel", "buildIsolation", "docs",
            "docsModules", "overwrite", "slack", "failOnPublicName");

    @Test
    void everySettingHasSamples() {
        for (Setting<?> s : Settings.all()) {
            assertThat(VALID).as("a valid sample of " + s.name()).containsKey(s.name());
            assertThat(s.check(VALID.get(s.name()))).as(s.name() + " accepts its sample").isNull();
            if (INVALID.containsKey(s.name())) {
                assertThat(s.check(INVALID.get(s.name()))).as(s.name() + " refuses " + INVALID.get(s.name())).isNotNull();
            } else {
                assertThat(s.parser().rule()).as(s.name() + " has a rule but no invalid sample")
                        .isIn("text", "a file path", "comma-separated values");
            }
            if (s.defaultValue() != null) {
                assertThat(s.check(s.defaultValue())).as("the default of " + s.name() + " passes its own rule").isNull();
            }
        }
    }

    @Test
    void namesOptionsAndVariablesAreUniqueAndSecretsNeverOnTheCommandLine() {
        Set<String> names = new HashSet<>();
        Set<String> options = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (Setting<?> s : Settings.all()) {
            assertThat(names.add(s.name())).as("name " + s.name()).isTrue();
            assertThat(s.name()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            s.options().forEach(o -> assertThat(options.add(o)).as("option " + o).isTrue());
            s.envs().forEach(e -> assertThat(envs.add(e)).as("variable " + e).isTrue());
            assertThat(s.readBy(Front.CLI)).as(s.name() + " is read by the command line").isTrue();
            if (s.secret()) {
                assertThat(s.options()).as("secret " + s.name() + " has no option").isEmpty();
            } else if (s.env() != null) {
                assertThat(s.option()).as(s.name() + " has an option").isEqualTo("--" + s.name());
            }
            if (s.env() == null) {
                assertThat(s.name()).as("only the static AWS keys are profile-only").startsWith("aws-");
            } else if (!s.name().equals("region") && !s.name().equals("trusted-proxy")) {
                // What the README says: the variable is PYPUB_ and the name in capitals, with two exceptions.
                assertThat(s.env()).isEqualTo("PYPUB_" + s.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            }
        }
    }

    @Test
    void theHelpOfEachCommandShowsEachOptionWithItsVariableAndDefault() {
        Map<Setting.Group, List<String>> commands = Map.of(Setting.Group.DEPLOYMENT, List.of("publish", "serve", "keys list", "rollback"),
                Setting.Group.INDEX, List.of("serve"), Setting.Group.PUBLISH, List.of("publish"), Setting.Group.IMPORT, List.of("import"));
        for (Setting<?> s : Settings.all()) {
            List<String> where = new ArrayList<>(commands.get(s.group()));
            where.add("config show");
            for (String command : where) {
                List<String> args = new ArrayList<>(List.of(command.split(" ")));
                args.add("--help");
                Run help = run(Map.of(), args.toArray(String[]::new));
                assertThat(help.code).isZero();
                String text = help.out.replaceAll("\\s+", " ");
                if (s.option() != null) {
                    assertThat(text).as(command + " --help shows " + s.option())
                            .contains(s.flag() ? s.option() + "[=true|false]" : s.option() + "=<" + s.name() + ">")
                            .contains("env " + String.join(" or ", s.envs()));
                    if (s.defaultValue() != null) {
                        assertThat(text).contains("default " + s.defaultValue());
                    }
                } else if (s.env() != null) {
                    assertThat(text).as(command + " --help names " + s.env()).contains(s.env());
                }
                assertThat(text).contains("--profile=<name>").contains("PYPUB_PROFILE");
            }
        }
    }

    @Test
    void everyVariableAndOptionReachesTheCommandLineWithItsRuleAndSecretsStayMasked() {
        for (Setting<?> s : Settings.all()) {
            String valid = VALID.get(s.name());
            if (s.env() != null) {
                for (String variable : s.envs()) {
                    Run shown = run(Map.of(variable, valid), "config", "show");
                    assertThat(shown.code).as(shown.err).isZero();
                    assertThat(line(shown.out, s)).as(variable).contains("environment variable " + variable);
                    assertThat(line(shown.out, s)).contains(s.secret() ? "******** (set)" : valid);
                    if (s.secret()) {
                        assertThat(shown.out + shown.err).doesNotContain(valid);
                    }
                }
            }
            if (s.option() != null) {
                for (String option : s.options()) {
                    Run shown = s.flag() ? run(Map.of(), "config", "show", option) : run(Map.of(), "config", "show", option, valid);
                    assertThat(shown.code).as(shown.err).isZero();
                    assertThat(line(shown.out, s)).contains("option " + s.option()).contains(valid);
                }
            }
            Run defaults = run(Map.of(), "config", "show");
            assertThat(line(defaults.out, s)).contains(s.defaultValue() != null ? s.defaultValue() + " " : "(not set)")
                    .contains(s.defaultValue() != null ? "default" : "not set");
            String invalid = INVALID.get(s.name());
            if (invalid != null && s.env() != null) {
                Run bad = run(Map.of(s.env(), invalid), "config", "show");
                assertThat(bad.code).isEqualTo(1);
                assertThat(bad.err.strip().lines()).singleElement().asString()
                        .startsWith("error: Invalid " + s.name() + (s.secret() ? "" : " '" + invalid + "'") + " (from environment variable "
                                + s.env() + "): ");
                if (s.secret()) {
                    assertThat(bad.out + bad.err).as("an invalid secret is not shown either").doesNotContain(invalid);
                }
                assertThat(line(bad.out, s)).endsWith("INVALID");
            }
        }
    }

    @Test
    void lambdaReadsExactlyItsSettingsFromTheSameVariablesWithTheSameDefaultsAndRules() {
        Map<String, String> base = Map.of("PYPUB_BUCKET", "acme-packages");
        LambdaConfiguration defaults = LambdaConfiguration.fromEnvironment(base);
        for (Setting<?> s : Settings.all()) {
            if (s.env() == null || s.name().equals("bucket")) {
                continue;
            }
            for (String variable : s.envs()) {
                Map<String, String> env = new HashMap<>(base);
                env.put(variable, VALID.get(s.name()));
                LambdaConfiguration withValue = LambdaConfiguration.fromEnvironment(env);
                if (s.readBy(Front.LAMBDA)) {
                    assertThat(withValue).as("Lambda reads " + variable).isNotEqualTo(defaults);
                } else {
                    assertThat(withValue).as("Lambda ignores " + variable + " (not marked as read by Lambda)").isEqualTo(defaults);
                }
            }
            if (s.readBy(Front.LAMBDA) && s.defaultValue() != null) {
                Map<String, String> env = new HashMap<>(base);
                env.put(s.env(), s.defaultValue());
                assertThat(LambdaConfiguration.fromEnvironment(env)).as("Lambda's default of " + s.env()).isEqualTo(defaults);
            }
            String invalid = INVALID.get(s.name());
            if (s.readBy(Front.LAMBDA) && invalid != null) {
                Map<String, String> env = new HashMap<>(base);
                env.put(s.env(), invalid);
                Run cli = run(env, "config", "show");
                assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(env)).isInstanceOf(ConfigException.class)
                        .satisfies(e -> assertThat("error: " + e.getMessage()).as("the same message as the command line")
                                .isEqualTo(cli.err.strip()));
            }
        }
        assertThatThrownBy(() -> LambdaConfiguration.fromEnvironment(Map.of())).hasMessageContaining("the bucket setting (--bucket, PYPUB_BUCKET");
    }

    @Test
    void jenkinsFieldsAreTheCatalogueSettingsWithItsDefaultsAndRules() throws IOException {
        Path jenkins = TestEnvironment.repoRoot().resolve("plugin/src/main");
        Map<JenkinsField.Owner, Set<String>> fieldsSeen = new HashMap<>();
        Set<String> defaultsCompared = new HashSet<>();
        for (JenkinsField.Owner owner : JenkinsField.Owner.values()) {
            String java = Files.readString(jenkins.resolve("java/io/pypub/jenkins/" + owner.className + ".java"));
            String jelly = Files.readString(jenkins.resolve("resources/io/pypub/jenkins/" + owner.className + "/config.jelly"));
            Matcher fields = Pattern.compile("field=\"(\\w+)\"").matcher(jelly);
            Set<String> inJelly = new HashSet<>();
            while (fields.find()) {
                inJelly.add(fields.group(1));
            }
            fieldsSeen.put(owner, inJelly);
            for (String field : inJelly) {
                assertThat(Settings.forJenkinsField(owner, field).isPresent() || JENKINS_ONLY.contains(field))
                        .as(owner.className + " field '" + field + "' is a catalogue setting or listed as Jenkins-only").isTrue();
            }
            for (Setting<?> s : Settings.all()) {
                for (JenkinsField f : s.jenkins()) {
                    if (f.owner() != owner) {
                        continue;
                    }
                    String cap = Character.toUpperCase(f.name().charAt(0)) + f.name().substring(1);
                    assertThat(inJelly).as(owner.className + "/config.jelly has field " + f.name()).contains(f.name());
                    assertThat(java).as(owner.className + " has @DataBoundSetter set" + cap)
                            .containsPattern("@DataBoundSetter\\s+public void set" + cap + "\\(");
                    assertThat(jenkins.resolve("resources/io/pypub/jenkins/" + owner.className + "/help-" + f.name() + ".html")).exists();
                    Matcher entry = Pattern.compile("field=\"" + f.name() + "\">\\s*<[^>]*?default=\"([^\"]*)\"").matcher(jelly);
                    if (entry.find()) {
                        assertThat(entry.group(1)).as("the form's default of " + f.name()).isEqualTo(s.defaultValue());
                        defaultsCompared.add(f.name());
                    }
                    if (owner == JenkinsField.Owner.TARGET && !f.credentialsId()) {
                        // The form check of the field is core's rule for the setting.
                        Matcher check = Pattern.compile("doCheck" + cap + "\\(.*?\\n        }\\n", Pattern.DOTALL).matcher(java);
                        if (!s.parser().rule().equals("text")) {
                            assertThat(check.find()).as("PublishTarget.doCheck" + cap).isTrue();
                            assertThat(check.group()).as("doCheck" + cap + " uses core's rule").contains("Settings.");
                        }
                    }
                }
            }
        }
        // The storage fields reach core through the catalogue: TargetSettings maps every one by its field name.
        String targetSettings = Files.readString(jenkins.resolve("java/io/pypub/jenkins/TargetSettings.java"));
        for (Setting<?> s : Settings.group(Setting.Group.DEPLOYMENT)) {
            for (JenkinsField f : s.jenkins()) {
                assertThat(targetSettings).contains("fields.put(\"" + f.name() + "\", " + f.name() + ")");
            }
        }
        assertThat(targetSettings).contains("AwsSettings.from(Config.fromJenkins(");
        assertThat(defaultsCompared).as("form defaults found and compared").contains("buildTimeout");
        assertThat(fieldsSeen.get(JenkinsField.Owner.TARGET)).contains("bucket", "indexUrl", "slackTokenCredentialsId");
    }

    @Test
    void jenkinsValuesGetTheSameRulesAsTheCommandLineNamingTheField() {
        for (Setting<?> s : Settings.group(Setting.Group.DEPLOYMENT)) {
            String invalid = INVALID.get(s.name());
            if (invalid == null || s.jenkins().isEmpty()) {
                continue;
            }
            Map<String, String> fields = new HashMap<>(Map.of("bucket", "acme-packages"));
            fields.put(s.jenkins().get(0).name(), invalid);
            Run cli = run(Map.of(s.env(), invalid), "config", "show");
            String reason = cli.err.substring(cli.err.indexOf("): ") + 3).strip();
            assertThatThrownBy(() -> AwsSettings.from(Config.fromJenkins(Map.of(), fields)))
                    .hasMessage("Invalid " + s.name() + " '" + invalid + "' (from Jenkins field '" + s.jenkins().get(0).name()
                            + "' of the Jenkins target): " + reason);
        }
        AwsSettings fromTarget = AwsSettings.from(Config.fromJenkins(Map.of(), Map.of("bucket", "acme-packages")));
        AwsSettings fromEnv = LambdaConfiguration.fromEnvironment(Map.of("PYPUB_BUCKET", "acme-packages")).aws();
        assertThat(fromTarget).as("same defaults in Jenkins and Lambda").isEqualTo(fromEnv);
        assertThatThrownBy(() -> AwsSettings.from(Config.fromJenkins(Map.of(), Map.of())))
                .hasMessage("No S3 bucket configured: set the bucket setting (--bucket, PYPUB_BUCKET; 'bucket' of the Jenkins target)");
        // A step's field wins over its target's for a setting both hold.
        Config both = Config.fromJenkins(Map.of("slackChannel", "#step"), Map.of("slackChannel", "#target"));
        assertThat(both.get(Settings.SLACK_CHANNEL)).isEqualTo("#step");
    }

    /** The line of {@code config show} for a setting. */
    static String line(String out, Setting<?> s) {
        return out.lines().filter(l -> l.startsWith(s.name() + " ")).findFirst().orElseThrow(() -> new AssertionError(s.name() + " in\n" + out));
    }

    record Run(int code, String out, String err) {}

    static synchronized Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = PypubCli.run(env, args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
