package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.KeyPolicy;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Lambda handler configured from the environment enforces keys unless PYPUB_NO_AUTH=true, like `pypub serve`. */
class LambdaAccessTest {

    @Test
    void theFunctionRequiresAKeyByDefault() throws Exception {
        try (LambdaFixture fixture = new LambdaFixture()) {
            fixture.publish(fixture.env.copyOfExample("hello-package"), "dev");
            var settings = fixture.deployment.settings();
            Map<String, String> env = fixture.lambdaEnvironment();
            String key = new ApiKeys(new ApiKeyTable(fixture.deployment.clients().dynamo(), settings.accessTable()), Clock.systemUTC())
                    .create(new KeyPolicy("lambda-client", Set.of("dev"), Set.of(), 10, 10, null, null, null), "test").token().reveal();
            System.setProperty("aws.accessKeyId", "embedded");
            System.setProperty("aws.secretAccessKey", "embedded-secret");
            try {
                IndexLambdaHandler handler = new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(env));
                LambdaFixture.Result anonymous = LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/simple/hello-package/"));
                assertThat(anonymous.status()).isEqualTo(401);
                assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic realm=\"pypub\"");
                assertThat(LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/simple/hello-package/")
                        .header("authorization", "Bearer " + key)).status()).isEqualTo(200);
                assertThat(LambdaFixture.invoke(handler, HttpApiEvents.get("/prod/simple/")
                        .header("authorization", "Bearer " + key)).status()).isEqualTo(403);
                LambdaFixture.Result viaQuery = LambdaFixture.invoke(handler, HttpApiEvents.get("/dev/hello-package/latest").query("key=" + key));
                assertThat(viaQuery.status()).isEqualTo(302); // downloads in Lambda are presigned redirects, counted like any download

                env.put("PYPUB_NO_AUTH", "true");
                IndexLambdaHandler open = new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(env));
                assertThat(LambdaFixture.invoke(open, HttpApiEvents.get("/dev/simple/hello-package/")).status()).isEqualTo(200);
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }
}
