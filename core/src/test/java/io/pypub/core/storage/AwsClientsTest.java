package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.StallingRelay;
import io.pypub.core.testing.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * pypub's S3 and DynamoDB clients keep as many idle connections as pypub sends requests at once (a publish uploads on
 * 16 threads). The JDK's HTTP client under them keeps 5 per server unless told otherwise: every burst of requests then
 * closed the rest as they came back and the next burst opened them again, a TCP (and on AWS a TLS) handshake each.
 */
class AwsClientsTest {
    private static final int AT_ONCE = 16;

    @Test
    void aSecondBurstOfParallelRequestsReusesTheFirstBurstsConnections() throws Exception {
        TestEnvironment env = TestEnvironment.get();
        try (Deployment d = env.newDeployment(); StallingRelay relay = new StallingRelay(d.settings().s3Endpoint())) {
            AwsSettings s = d.settings();
            AwsClients clients = env.aws().clients(new AwsSettings(s.region(), s.bucket(), s.prefix(), s.docsBucket(),
                    s.versionTable(), s.accessTable(), relay.endpoint(), s.dynamoEndpoint()));
            try (clients) {
                burst(clients, relay, s.bucket());
                assertThat(relay.accepted()).isEqualTo(AT_ONCE); // the relay held every request, so each had its own

                burst(clients, relay, s.bucket());
                assertThat(relay.accepted()).as("new connections for the second burst").isEqualTo(AT_ONCE);
            }
        }
    }

    /**
     * {@link #AT_ONCE} HEADs that are all in flight at the same time: the relay holds them until each has a connection
     * (a new one is accepted by the relay, a kept one is not), then lets them through.
     */
    private static void burst(AwsClients clients, StallingRelay relay, String bucket) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            relay.stall();
            List<Future<?>> heads = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                heads.add(pool.submit(() -> clients.s3().headBucket(b -> b.bucket(bucket))));
            }
            waitUntilEveryRequestIsSent(relay);
            relay.resume();
            for (Future<?> head : heads) {
                head.get();
            }
        } finally {
            relay.resume();
            pool.shutdownNow();
        }
    }

    private static void waitUntilEveryRequestIsSent(StallingRelay relay) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (relay.held() < AT_ONCE && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
