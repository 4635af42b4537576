package io.pypub.server.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart priming hook (IndexLambdaHandler.prime, called from the CRaC resource's
 * beforeCheckpoint): it runs real-shaped API Gateway events through the handler as configured on
 * Lambda, and needs no storage at all, so the snapshot holds no connection and moves no counter.
 */
class LambdaPrimingTest {

    /** The handler as the Lambda runtime builds it, but with S3 and DynamoDB at a port where nothing listens. */
    private static IndexLambdaHandler handlerWithoutStorage() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closed;
        return new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(Map.of("AWS_REGION", "us-east-1",
                "PYPUB_BUCKET", "priming-bucket", "PYPUB_VERSION_TABLE", "priming-versions", "PYPUB_ACCESS_TABLE", "priming-access",
                "PYPUB_S3_ENDPOINT", nowhere, "PYPUB_DYNAMODB_ENDPOINT", nowhere)));
    }

    @Test
    void primingNeedsNoStorageToSucceed() throws Exception {
        IndexLambdaHandler handler = handlerWithoutStorage();
        List<Integer> statuses;
        // Credentials as the function role gives them, so the chain never looks further (instance metadata).
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
        try {
            statuses = handler.prime();
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        // health 200; missing credentials 401 before any storage read; the encoded '..' 400; the unknown
        // key's lookup finds storage unreachable (5xx): priming goes on and the snapshot is still taken.
        assertThat(statuses).hasSize(IndexLambdaHandler.PRIMING_REQUESTS.size() + 1);
        assertThat(statuses.subList(0, 7)).containsExactly(200, 200, 401, 401, 401, 401, 400);
        assertThat(statuses.get(7)).isBetween(500, 599);
    }

    @Test
    void primingReadsTheAccessTableOnceAndWritesNothing() throws Exception {
        try (LambdaFixture f = new LambdaFixture()) {
            var d = f.deployment;
            IndexLambdaHandler handler = new IndexLambdaHandler(IndexLambdaHandler.serviceFrom(Map.of(
                    "AWS_REGION", d.settings().region(), "PYPUB_BUCKET", d.settings().bucket(),
                    "PYPUB_VERSION_TABLE", d.settings().versionTable(), "PYPUB_ACCESS_TABLE", d.settings().accessTable(),
                    "PYPUB_S3_ENDPOINT", d.settings().s3Endpoint().toString(),
                    "PYPUB_DYNAMODB_ENDPOINT", d.settings().dynamoEndpoint().toString())));
            var before = d.tableSnapshot();
            List<Integer> statuses;
            System.setProperty("aws.accessKeyId", "embedded"); // the function role's credentials, on Lambda
            System.setProperty("aws.secretAccessKey", "embedded-secret");
            try {
                statuses = handler.prime();
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
            assertThat(statuses).containsExactly(200, 200, 401, 401, 401, 401, 400, 401);
            assertThat(d.tableSnapshot()).isEqualTo(before);
            assertThat(d.clients().dynamo().scan(b -> b.tableName(d.settings().accessTable())).items())
                    .as("no usage counter or other item in the access table").isEmpty();
        }
    }

    @Test
    void theCracResourceRunsThePrimingBeforeTheCheckpoint() throws Exception {
        IndexLambdaHandler handler = handlerWithoutStorage();
        System.setProperty("aws.accessKeyId", "embedded");
        System.setProperty("aws.secretAccessKey", "embedded-secret");
        try {
            new IndexLambdaHandler.SnapStartPriming(handler).beforeCheckpoint(null);
            new IndexLambdaHandler.SnapStartPriming(handler).afterRestore(null);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        // The priming events are the real payload format 2.0 shape that the handler reads.
        HttpApiEvent event = HttpApiEvent.read(new ByteArrayInputStream(
                IndexLambdaHandler.primingEvent("GET", "/dev/simple/", "r-1", false).getBytes(StandardCharsets.UTF_8)));
        assertThat(event.toIndexRequest().path()).isEqualTo("/dev/simple/");
        assertThat(event.toIndexRequest().method()).isEqualTo("GET");
    }
}
