package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.server.http.IndexServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Caching must not hide a new release: visible on every instance within 2 s of the publish. */
class FreshnessTest {

    @Test
    void aNewReleaseIsVisibleOnEveryInstanceWithinTwoSeconds() throws Exception {
        try (IndexFixture first = new IndexFixture();
                IndexServer second = new IndexServer(new IndexService(first.deployment.clients(), IndexSettings.defaults()),
                        "127.0.0.1", 0).start()) {
            first.publish(first.env.copyOfExample("hello-package"), "dev");
            HttpClient http = HttpClient.newHttpClient();
            List<String> pages = List.of(first.url("/dev/simple/hello-package/"), second.localUrl() + "/dev/simple/hello-package/");
            for (String page : pages) { // both instances now hold the page in their caches
                assertThat(get(http, page)).contains("hello_package-0.1.0.tar.gz").doesNotContain("0.2.0");
            }

            Path v2 = first.env.copyOfExample("hello-package");
            Files.writeString(v2.resolve("pyproject.toml"), Files.readString(v2.resolve("pyproject.toml")).replace("0.1.0", "0.2.0"));
            first.publish(v2, "dev");
            long published = System.nanoTime();

            for (String page : pages) {
                while (!get(http, page).contains("hello_package-0.2.0.tar.gz")) {
                    assertThat((System.nanoTime() - published) / 1e9).as("seconds until %s shows 0.2.0", page).isLessThan(2.0);
                    Thread.sleep(50);
                }
            }
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
