package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.storage.FileDigest;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.access.LoopbackUpstream;
import io.pypub.server.access.TinyWheels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Lambda handler reads the same upstream settings as `pypub serve` (PYPUB_UPSTREAM, ...) and serves upstream projects alike. */
class LambdaUpstreamTest {
    @Test
    void upstreamSettingsFromTheEnvironmentServeUpstreamPagesAndCachedFilesByPresignedRedirect() throws Exception {
        try (LambdaFixture fixture = new LambdaFixture(); LoopbackUpstream up = new LoopbackUpstream().start()) {
            Path wheel = TinyWheels.write(TestEnvironment.tempDir("lambda-upstream"), "pub-lib", "1.0");
            up.add("pub-lib", wheel);
            Map<String, String> env = fixture.lambdaEnvironment();
            env.put("PYPUB_NO_AUTH", "true"); // keys on upstream routes: UpstreamInstallTest
            env.put("PYPUB_UPSTREAM", "dev=" + up.simpleUrl());
            env.put("PYPUB_PRIVATE_NAMES", "dev=acme-*");
            System.setProperty("aws.accessKeyId", "embedded");
            System.setProperty("aws.secretAccessKey", "embedded-secret");
            try {
                IndexLambdaHandler handler = new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(env));
                LambdaFixture.Result page = LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/simple/pub-lib/"));
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.header("X-Pypub-Source")).isEqualTo("upstream");
                LambdaFixture.Result file = LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/upstream/pub-lib/" + wheel.getFileName()));
                assertThat(file.status()).isEqualTo(302);
                assertThat(FileDigest.sha256Hex(fixture.fetch(file.header("Location")).body()))
                        .isEqualTo(FileDigest.sha256Hex(Files.readAllBytes(wheel)));
                assertThat(LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/simple/acme-x/")).status()).isEqualTo(404);
                assertThat(up.requestsFor("acme-x")).isEmpty();
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }
}
