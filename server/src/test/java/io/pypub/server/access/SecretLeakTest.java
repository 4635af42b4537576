package io.pypub.server.access;

import io.pypub.core.testing.TestEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs every path a secret takes (keys created, rotated, revoked and presented in all three ways,
 * right and wrong docs passwords, failed logins, hostile requests carrying keys, pip with a key in
 * its index URL) and then scans everything produced for any issued key, secret or password: all
 * log lines of the JVM (audit included), every command's output except the one line where create
 * and rotate hand a key out, pip's output, response headers and bodies, the local AWS servers'
 * logs, and the access table itself (only hashes may be there).
 */
class SecretLeakTest {

    @Test
    void noKeyOrPasswordAppearsInAnyLogOutputResponseOrTable() throws Exception {
        List<String> secrets = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        StringBuilder handedOut = new StringBuilder();
        try (AccessFixture index = new AccessFixture()) {
            index.publish("hello-package", "dev");
            String key = index.createKey("--client", "leaky", "--stages", "dev");
            AccessFixture.CliResult created = index.cli(null, "keys", "create", "--client", "other", "--stages", "dev", "--json");
            String jsonKey = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.stdout()).path("key").asText();
            AccessFixture.CliResult rotated = index.cli(null, "keys", "rotate", AccessFixture.keyId(jsonKey));
            String rotatedKey = rotated.stdout().strip();
            handedOut.append(key).append(created.stdout()).append(rotated.stdout());
            String password = "s3cret docs password";
            String wrongPassword = "s3cret docs passwor";
            secrets.addAll(List.of(key, jsonKey, rotatedKey, password, wrongPassword));
            for (String k : List.of(key, jsonKey, rotatedKey)) {
                secrets.add(k.substring(k.lastIndexOf('_') + 1)); // the secret part alone
            }
            assertThat(index.cli(password + "\n", "users", "add", "erin", "--stages", "dev", "--password-stdin").exitCode()).isZero();
            assertThat(index.cli(password + "\n", "users", "passwd", "erin", "--password-stdin").exitCode()).isZero();
            index.cli(null, "users", "list");
            index.cli(null, "keys", "list");
            index.cli(null, "keys", "show", AccessFixture.keyId(key));

            // Every way of presenting a key, right and wrong.
            String wheel = "/dev/files/hello-package/0.1.0/hello_package-0.1.0-py3-none-any.whl";
            List<String[]> requests = List.of(
                    new String[] {"/dev/simple/hello-package/", "Authorization", "Bearer " + key},
                    new String[] {"/dev/simple/hello-package/", "Authorization", AccessFixture.basic("__token__", key)},
                    new String[] {wheel, "Authorization", "Bearer " + key},
                    new String[] {"/dev/simple/", "Authorization", "Bearer " + jsonKey}, // rotated away: 401
                    new String[] {"/prod/simple/", "Authorization", "Bearer " + key}, // wrong stage: 403
                    new String[] {"/dev/simple/", "Authorization", "Bearer " + key.substring(0, key.length() - 1)},
                    new String[] {"/dev/docs/hello-package/latest/", "Authorization", AccessFixture.basic("erin", password)},
                    new String[] {"/dev/docs/hello-package/latest/", "Authorization", AccessFixture.basic("erin", wrongPassword)},
                    new String[] {"/dev/docs/hello-package/latest/", "Authorization", AccessFixture.basic("__token__", key)},
                    new String[] {"/dev/" + key + "/latest", "Authorization", "Bearer " + key}, // a key in the path
                    new String[] {"/dev/simple/%00" + key + "/"},
                    new String[] {"/dev/simple/?key=" + key + "%00"},
                    new String[] {"/dev/simple/?key=" + rotatedKey, "Authorization", "Bearer " + key}, // conflicting: 400
                    new String[] {"/dev/simple/", "Authorization", "Basic " + key}); // not base64 of user:password
            for (String[] r : requests) {
                HttpResponse<byte[]> resp = index.get(r[0], java.util.Arrays.copyOfRange(r, 1, r.length));
                responses.add(resp.statusCode() + " " + resp.headers().map() + "\n" + new String(resp.body(), StandardCharsets.UTF_8));
            }
            // A key in the query string is echoed into that caller's own page links (by design), so
            // those responses are checked for status only; the logs about them are still scanned.
            assertThat(index.get("/dev/simple/hello-package/?key=" + key).statusCode()).isEqualTo(200);
            assertThat(index.get("/dev/hello-package/latest?key=" + key).statusCode()).isEqualTo(200);
            assertThat(HostileLine.send(index, "GET /dev/simple/?key=" + key + " HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "A".repeat(20_000) + "\r\n\r\n")).isEqualTo(431);
            assertThat(HostileLine.send(index, "GET /dev/%2e%2e/" + key + "?key=" + key + " HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(400);

            // pip with the key in its index URL (pip masks it in what it prints).
            PythonEnvironment venv = index.env.freshClientVenv();
            AccessFixture.Run pip = index.pip(venv, "download", "--no-deps", "-d", TestEnvironment.tempDir("dl").toString(),
                    "--index-url", AccessFixture.withKey(index.server(), key, "/dev/simple/"), "hello-package");
            assertThat(pip.exitCode()).as(pip.output()).isZero();

            // Everything produced, minus the one place each key is meant to be shown.
            String produced = String.join("\n", index.logs.all(), index.outputs.toString().replace(handedOut.toString(), "")
                    .replace(key, "").replace(jsonKey, "").replace(rotatedKey, ""), String.join("\n", responses), awsServerLogs(),
                    accessTable(index));
            String cliOnly = index.outputs.toString();
            assertThat(count(cliOnly, key)).as("the created key is printed exactly once").isEqualTo(1);
            assertThat(count(cliOnly, rotatedKey)).as("the rotated key is printed exactly once").isEqualTo(1);
            assertThat(index.logs.auditLines).hasSizeGreaterThan(15);
            assertThat(index.logs.all()).contains("pypub_" + AccessFixture.keyId(key) + "_[redacted]"); // the key in the path, redacted
            for (String secret : secrets) {
                int at = produced.indexOf(secret);
                assertThat(at).as("a secret (%s...) leaked here: %s", secret.substring(0, 4),
                        at < 0 ? "" : produced.substring(Math.max(0, at - 300), Math.min(produced.length(), at + 100))).isNegative();
            }
            assertThat(produced).doesNotContainPattern("(?i)pypub[-_.][a-z2-7]{10}[-_.][a-z2-7]{52}");
        }
    }

    /** The access table holds hashes only. */
    private static String accessTable(AccessFixture index) {
        StringBuilder out = new StringBuilder();
        index.deployment.clients().dynamo().scanPaginator(b -> b.tableName(index.deployment.settings().accessTable())).items()
                .forEach(item -> {
                    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
                        out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
                    }
                });
        assertThat(out.toString()).contains("secret_hash").contains("password_hash");
        return out.toString();
    }

    private static String awsServerLogs() throws Exception {
        Path dir = io.pypub.core.testing.TestEnvironment.repoRoot().resolve("target/test-logs");
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Raw requests a normal HTTP client refuses to send. */
    static final class HostileLine {
        static int send(AccessFixture index, String request) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", index.server().port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
                return Integer.parseInt(line.split(" ")[1]);
            } catch (Exception e) {
                return -1;
            }
        }
    }
}
