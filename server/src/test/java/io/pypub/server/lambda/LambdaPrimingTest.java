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
    void primingAnswersEveryRequestWithoutTouchingStorage() throws Exception {
        IndexLambdaHandler handler = handlerWithoutStorage();
        long start = System.nanoTime();
        List<Integer> statuses = handler.prime();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(statuses).hasSize(IndexLambdaHandler.PRIMING_REQUESTS.size());
        // health 200; missing credentials 401 before any storage read; the encoded '..' 400. A storage call
        // would have failed against the closed port and answered 5xx.
        assertThat(statuses).containsExactly(200, 200, 401, 401, 401, 401, 400);
        assertThat(millis).as("priming needs no network round trips").isLessThan(60_000);
    }

    @Test
    void theCracResourceRunsThePrimingBeforeTheCheckpoint() throws Exception {
        IndexLambdaHandler handler = handlerWithoutStorage();
        new IndexLambdaHandler.SnapStartPriming(handler).beforeCheckpoint(null);
        new IndexLambdaHandler.SnapStartPriming(handler).afterRestore(null);
        // The priming events are the real payload format 2.0 shape that the handler reads.
        HttpApiEvent event = HttpApiEvent.read(new ByteArrayInputStream(
                IndexLambdaHandler.primingEvent("GET", "/dev/simple/", "r-1").getBytes(StandardCharsets.UTF_8)));
        assertThat(event.toIndexRequest().path()).isEqualTo("/dev/simple/");
        assertThat(event.toIndexRequest().method()).isEqualTo("GET");
    }
}
