package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.testing.StallingRelay;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The index serves simple pages whose key and releases it holds on the threads that read the requests, and hands
 * every request that needs DynamoDB or S3 to its pool. So while DynamoDB hangs, requests that must read it wait,
 * and installs with a key the index knows keep getting their pages; once DynamoDB answers, the waiting requests
 * are served too.
 */
class StalledStorageTest {
    private static final String PAGE = "/dev/simple/hello-package/";
    /** A project the stage does not have, so nobody has read it yet. */
    private static final String UNREAD = "/dev/simple/not-read-yet/";
    /** Longer than this test: the key and the releases read at the start stay current throughout. */
    private static final Duration CACHED = Duration.ofSeconds(60);

    @Test
    void cachedPagesAreServedWhileRequestsThatReadDynamoDbWait() throws Exception {
        try (AccessFixture index = new AccessFixture(AccessSettings.enforcing().withCacheTtl(CACHED));
                StallingRelay dynamo = new StallingRelay(index.deployment.settings().dynamoEndpoint())) {
            index.publish("hello-package", "dev");
            String known = index.createKey("--client", "known", "--stages", "dev");
            String unseen = index.createKey("--client", "unseen", "--stages", "dev");
            AwsSettings s = index.deployment.settings();
            AwsClients clients = index.env.aws().clients(new AwsSettings(s.region(), s.bucket(), s.prefix(), s.docsBucket(),
                    s.versionTable(), s.accessTable(), s.s3Endpoint(), dynamo.endpoint()));
            IndexServer server = new IndexServer(new IndexService(clients,
                    new IndexSettings(IndexSettings.DownloadMode.STREAM, Duration.ofMinutes(5), CACHED),
                    RequestGuard.forDeployment(clients, index.settings)), "127.0.0.1", 0).start();
            index.servers.add(server);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> first = http.send(page(server, PAGE, known), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(first.statusCode()).isEqualTo(200);

            dynamo.stall();
            List<CompletableFuture<HttpResponse<byte[]>>> unseenKey = new ArrayList<>();
            List<CompletableFuture<HttpResponse<byte[]>>> unreadProject = new ArrayList<>();
            List<CompletableFuture<HttpResponse<byte[]>>> waiting = new ArrayList<>();
            try {
                // Each on its own connection, so that every selector thread has some: none of them may wait for DynamoDB.
                for (int i = 0; i < 4; i++) {
                    unseenKey.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                            .sendAsync(page(server, PAGE, unseen), HttpResponse.BodyHandlers.ofByteArray()));
                    unreadProject.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                            .sendAsync(page(server, UNREAD, known), HttpResponse.BodyHandlers.ofByteArray()));
                }
                waiting.addAll(unseenKey);
                waiting.addAll(unreadProject);
                Thread.sleep(500); // let them reach the index and start their key reads
                for (int i = 0; i < 20; i++) {
                    HttpResponse<byte[]> again = http.send(page(server, PAGE, known), HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(again.statusCode()).isEqualTo(200);
                    assertThat(again.body()).isEqualTo(first.body());
                }
                assertThat(waiting).as("requests with a key or a project not read yet wait for DynamoDB").noneMatch(CompletableFuture::isDone);
            } finally {
                dynamo.resume();
            }
            for (CompletableFuture<HttpResponse<byte[]>> w : unseenKey) {
                HttpResponse<byte[]> r = w.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(first.body());
            }
            for (CompletableFuture<HttpResponse<byte[]>> w : unreadProject) {
                assertThat(w.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
            }
        }
    }

    private static HttpRequest page(IndexServer server, String path, String key) {
        // A stalled selector would leave this request unanswered: the timeout turns that into a failure, not a hang.
        return HttpRequest.newBuilder(URI.create(server.localUrl() + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(20)).build();
    }
}
