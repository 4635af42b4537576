package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.ReleaseFile;
import io.pypub.core.storage.FileDigest;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * REDIRECT mode hands out the same presigned link for a file for a while (signing is reused), but every download
 * is still checked, counted against the key's quota and audited: a reused link is no free download.
 */
class RedirectDownloadTest {

    @Test
    void aReusedLinkIsStillCheckedCountedAndAuditedPerDownload() throws Exception {
        try (AccessFixture index = new AccessFixture()) {
            ReleaseFile wheel = index.publish("hello-package", "dev").release().files().stream()
                    .filter(f -> f.filename().endsWith(".whl")).findFirst().orElseThrow();
            IndexSettings defaults = IndexSettings.defaults();
            IndexServer server = new IndexServer(new IndexService(index.deployment.clients(),
                    new IndexSettings(IndexSettings.DownloadMode.REDIRECT, defaults.presignTtl(), defaults.cacheTtl()),
                    RequestGuard.forDeployment(index.deployment.clients(), index.settings)), "127.0.0.1", 0).start();
            index.servers.add(server);
            String key = index.createKey("--client", "redirect-quota", "--stages", "dev", "--daily", "2", "--rate", "0");
            String other = index.createKey("--client", "redirect-other", "--stages", "prod");
            String url = "/dev/files/hello-package/0.1.0/" + wheel.filename();

            HttpResponse<byte[]> first = index.get(server, url, "Authorization", "Bearer " + key);
            HttpResponse<byte[]> second = index.get(server, url, "Authorization", "Bearer " + key);
            HttpResponse<byte[]> over = index.get(server, url, "Authorization", "Bearer " + key);
            HttpResponse<byte[]> otherStage = index.get(server, url, "Authorization", "Bearer " + other);

            assertThat(first.statusCode()).isEqualTo(302);
            String location = first.headers().firstValue("Location").orElseThrow();
            assertThat(second.statusCode()).isEqualTo(302);
            assertThat(second.headers().firstValue("Location")).as("the link is reused").hasValue(location);
            assertThat(over.statusCode()).as("both redirects counted against the daily quota of 2").isEqualTo(403);
            assertThat(over.headers().firstValue("Location")).isEmpty();
            assertThat(otherStage.statusCode()).as("a key for another stage gets no link, cached or not").isEqualTo(403);
            assertThat(otherStage.headers().firstValue("Location")).isEmpty();
            assertThat(index.logs.audit()).filteredOn(a -> a.path("key_id").asText().equals(AccessFixture.keyId(key))
                    && a.path("path").asText().equals(url)).extracting(a -> a.path("status").asInt()).containsExactly(302, 302, 403);

            HttpResponse<byte[]> s3 = index.http.send(HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(s3.statusCode()).isEqualTo(200);
            assertThat(FileDigest.sha256Hex(s3.body())).isEqualTo(wheel.sha256());
        }
    }
}
