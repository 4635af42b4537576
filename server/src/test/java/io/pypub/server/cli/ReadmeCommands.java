package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.TestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The README's {@code pypub} commands, each run for real ({@link PypubCli#run(Map, String...)}) against
 * a deployment named only by a profile: no endpoint, bucket, table or credential on the command line or
 * in the environment, only {@code --profile NAME} (or {@code PYPUB_PROFILE}).
 */
final class ReadmeCommands {
    private ReadmeCommands() {}

    static void runAgainstProfile(Path configFile, String profile, int indexPort) {
        Map<String, String> env = Map.of("PYPUB_CONFIG", configFile.toString());
        String shown = ok(env, null, "config", "show", "--profile", profile);
        assertThat(shown).contains("profile: " + profile).containsPattern("bucket\\s+pypub-packages\\s+profile '" + profile + "'");

        ok(env, null, "init", "--profile", profile);
        String key = ok(env, null, "keys", "create", "--client", "me", "--stages", "dev", "--profile", profile).strip();
        assertThat(key).startsWith("pypub_");
        assertThat(ok(env, null, "keys", "list", "--profile", profile)).contains("me");

        // `./pypub publish examples/acme-utils`: the profile names the demo's interpreter and index URL too.
        String project = TestEnvironment.get().copyOfExample("acme-utils").toString();
        String published = ok(Map.of("PYPUB_CONFIG", configFile.toString(), "PYPUB_PROFILE", profile), null,
                "publish", project, "--stage", "dev", "--no-isolation");
        assertThat(published).contains("Published acme-utils 1.0.0 to stage 'dev'")
                .contains("install: pip install --index-url http://127.0.0.1:" + indexPort + "/dev/simple/ acme-utils==1.0.0");

        ok(env, null, "rollback", "hello-package", "--stage", "dev", "--to", "0.1.0", "--reason", "1.5.0 breaks imports", "--profile", profile);
        ok(env, null, "unpin", "hello-package", "--stage", "dev", "--profile", profile);
        ok(env, null, "yank", "acme-utils", "1.0.0", "--stage", "dev", "--reason", "broken wheel", "--profile", profile);
        ok(env, null, "unyank", "acme-utils", "1.0.0", "--stage", "dev", "--profile", profile);
        ok(env, null, "promote", "hello-package", "0.1.0", "--from", "dev", "--to", "test", "--profile", profile);
        ok(env, key + "\n", "import", "--stage", "prod", "http://127.0.0.1:" + indexPort + "/dev/simple/", "--project", "hello-package",
                "--password-stdin", "--profile", profile);
        ok(env, null, "prune", "--stage", "dev", "--keep", "20", "--older-than-days", "30", "--dry-run", "--profile", profile);
        ok(env, null, "backup", "--profile", profile);
        ok(env, "s3cret-passw0rd\n", "users", "add", "alice", "--stages", "prod,test", "--password-stdin", "--profile", profile);
        assertThat(ok(env, null, "users", "list", "--profile", profile)).contains("alice");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(ok(env, null, "audit", "--project", "acme-utils", "--operation", "yank", "--since", today, "--json", "--profile", profile))
                .contains("broken wheel");
    }

    /** Runs one command; it must succeed. Returns its stdout. */
    private static synchronized String ok(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        int code;
        try {
            code = PypubCli.run(env, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
        List<String> command = new ArrayList<>(List.of("pypub"));
        command.addAll(List.of(args));
        assertThat(code).as(String.join(" ", command) + "\n" + err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
