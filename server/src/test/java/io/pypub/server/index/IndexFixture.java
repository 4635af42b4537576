package io.pypub.server.index;

import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.http.IndexServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A fresh deployment with an index server in front of it, for tests that talk HTTP to the index. */
final class IndexFixture implements AutoCloseable {
    final TestEnvironment env = TestEnvironment.get();
    final Deployment deployment = env.newDeployment();
    final IndexServer server;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    IndexFixture(IndexSettings settings) {
        server = new IndexServer(new IndexService(deployment.clients(), settings), "127.0.0.1", 0).start();
    }

    IndexFixture() {
        this(IndexSettings.defaults());
    }

    PublishResult publish(Path project, String stage) {
        return deployment.pipeline().publish(PublishRequest.builder(project, Stage.of(stage))
                .python(env.python().python().toString())
                .buildIsolation(false)
                .publishedBy("test")
                .build(), new RecordingLog());
    }

    String url(String path) {
        return server.localUrl() + path;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.close();
        deployment.close();
    }
}
