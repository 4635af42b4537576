package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * API Gateway limits request bodies far below package sizes, so the Lambda deployment does not take
 * uploads: a publish key gets 413 with a pointer to the server deployment, nothing is recorded.
 */
class LambdaUploadTest {

    @Test
    void anUploadToTheFunctionIsAnswered413WithAPointerToTheServer() throws Exception {
        try (LambdaFixture fixture = new LambdaFixture()) {
            var settings = fixture.deployment.settings();
            Map<String, String> env = fixture.lambdaEnvironment();
            env.put("PYPUB_UPLOAD_MAX_BYTES", "100MB,dev=1KB"); // read as pypub serve reads it
            ApiKeys keys = new ApiKeys(new ApiKeyTable(fixture.deployment.clients().dynamo(), settings.accessTable()), Clock.systemUTC());
            String publish = keys.create(new KeyPolicy("ci", Set.of("dev"), Set.of(), 10, 10, null, null, null,
                    Set.of(KeyPolicy.PUBLISH)), "test").token().reveal();
            String download = keys.create(new KeyPolicy("reader", Set.of("dev"), Set.of(), 10, 10, null, null, null), "test")
                    .token().reveal();
            System.setProperty("aws.accessKeyId", "embedded");
            System.setProperty("aws.secretAccessKey", "embedded-secret");
            try {
                IndexLambdaHandler handler = new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(env));
                LambdaFixture.Result upload = LambdaFixture.invoke(handler, HttpApiEvents.request("POST", "/dev/legacy/")
                        .header("authorization", "Bearer " + publish)
                        .header("content-type", "multipart/form-data; boundary=x"));
                assertThat(upload.status()).isEqualTo(413);
                assertThat(upload.body()).contains("pypub serve");
                // An announced size over the stage's limit gets the same answer as from pypub serve.
                LambdaFixture.Result oversize = LambdaFixture.invoke(handler, HttpApiEvents.request("POST", "/dev/legacy/")
                        .header("authorization", "Bearer " + publish)
                        .header("content-type", "multipart/form-data; boundary=x").body("x".repeat(2000), false));
                assertThat(oversize.status()).as(oversize.body()).isEqualTo(413);
                assertThat(oversize.body()).contains("larger than stage 'dev' accepts (1 KB, the upload-max-bytes setting)");
                // The scope is still checked first: a download key is refused as anywhere else.
                assertThat(LambdaFixture.invoke(handler, HttpApiEvents.request("POST", "/dev/legacy/")
                        .header("authorization", "Bearer " + download)).status()).isEqualTo(403);
                assertThat(fixture.deployment.versions().projects(io.pypub.core.release.Stage.of("dev"))).isEmpty();
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }
}
