package io.pypub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.publish.PublishRequest;
import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With a key store the index speaks HTTPS, and pip installs over it trusting that certificate. */
class TlsTest {
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void pipInstallsOverHttpsWithTheServersCertificate() throws Exception {
        // As in a company: an internal CA signs the index's certificate; clients trust the CA.
        Path dir = TestEnvironment.tempDir("pypub-tls-");
        Path keyStore = dir.resolve("index.p12");
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        String password = "test-keystore-pass";
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=Test Internal CA", "-ext", "bc:c", "-keystore", ca.toString(), "-storepass", password);
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString(), "-storepass", password);
        keytool("-genkeypair", "-alias", "index", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-keystore", keyStore.toString(), "-storepass", password);
        keytool("-certreq", "-alias", "index", "-file", dir.resolve("index.csr").toString(), "-keystore", keyStore.toString(),
                "-storepass", password);
        keytool("-gencert", "-alias", "ca", "-infile", dir.resolve("index.csr").toString(), "-outfile", dir.resolve("index.pem").toString(),
                "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth",
                "-keystore", ca.toString(), "-storepass", password);
        keytool("-importcert", "-alias", "ca", "-noprompt", "-file", caPem.toString(), "-keystore", keyStore.toString(),
                "-storepass", password);
        keytool("-importcert", "-alias", "index", "-file", dir.resolve("index.pem").toString(), "-keystore", keyStore.toString(),
                "-storepass", password);
        Path pem = caPem;

        try (Deployment d = env.newDeployment();
                IndexServer server = new IndexServer(new IndexService(d.clients(), IndexSettings.defaults()), "127.0.0.1", 0,
                        new IndexServer.Tls(keyStore, password)).start()) {
            assertThat(server.localUrl().toString()).startsWith("https://127.0.0.1:");
            d.pipeline().publish(PublishRequest.builder(env.copyOfExample("hello-package"), Stage.of("dev"))
                    .python(env.python().python().toString()).buildIsolation(false).docs(false).build(), new RecordingLog());

            PythonEnvironment client = env.freshClientVenv();
            // REQUESTS_CA_BUNDLE (set on many machines, this one too) would override pip's --cert.
            String out = TestEnvironment.run(List.of("env", "-u", "REQUESTS_CA_BUNDLE", "-u", "CURL_CA_BUNDLE",
                    client.python().toString(), "-m", "pip", "install", "--isolated",
                    "--disable-pip-version-check", "--no-cache-dir", "--cert", pem.toString(),
                    "--index-url", server.localUrl() + "/dev/simple/", "hello-package"));
            assertThat(out).contains("Successfully installed hello-package-0.1.0");
        }
    }

    private static void keytool(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.add("-storetype");
        command.add("PKCS12");
        TestEnvironment.run(command);
    }
}
