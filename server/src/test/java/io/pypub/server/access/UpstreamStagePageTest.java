package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.config.Config;
import io.pypub.core.config.Profile;
import io.pypub.core.config.Settings;
import io.pypub.core.upstream.UpstreamSettings;
import io.pypub.server.http.IndexServer;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the stage page says where projects the stage does not have come from (each upstream URL,
 * without its credentials), the mode, the private name patterns and how many names are reserved; a
 * stage without upstreams says nothing about them. The upstreams are read as `pypub serve` reads them
 * (the catalogue, from environment variables); the page never contacts them.
 */
class UpstreamStagePageTest {
    private static final String PASSWORD = "Mirr0r-PW-never-shown";
    private static AccessFixture fx;
    private static IndexServer server;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        fx = new AccessFixture();
        UpstreamSettings upstreams = UpstreamSettings.from(Config.resolve(Map.of(), Map.of(
                "PYPUB_UPSTREAM", "pg=https://ci-user:" + PASSWORD + "@mirror.example.internal/simple/;pg=https://pypi.org/simple/"
                        + ";rd=https://pypi.org/simple/",
                "PYPUB_UPSTREAM_MODE", "cache;rd=redirect",
                "PYPUB_PRIVATE_NAMES", "pg=acme-*,Internal_*;corp-*"), Profile.NONE));
        for (String name : new String[] {"internal-tool", "secret-lib"}) {
            assertThat(fx.cli(null, "names", "reserve", name, "--stage", "pg").exitCode()).isZero();
        }
        key = fx.createKey("--client", "page-reader", "--stages", "pg,rd,plain");
        RequestGuard guard = RequestGuard.forDeployment(fx.deployment.clients(), fx.settings);
        server = new IndexServer(new IndexService(fx.deployment.clients(), IndexSettings.defaults(), guard, upstreams), "127.0.0.1", 0)
                .start();
        fx.servers.add(server);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String page(String path) throws Exception {
        HttpResponse<byte[]> r = fx.get(server, path, "Authorization", "Bearer " + key, "Accept", "text/html");
        assertThat(r.statusCode()).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theStagePageListsItsUpstreamsModePrivateNamesAndReservedCountWithoutCredentials() throws Exception {
        String html = page("/pg/");
        assertThat(html).contains("<h2 id=\"upstreams\">Upstreams</h2>").contains("these upstream indexes, asked in order")
                .containsSubsequence("<li><code>https://mirror.example.internal/simple/</code></li>",
                        "<li><code>https://pypi.org/simple/</code></li>")
                .contains("<dt>Mode</dt><dd>cache: each file is fetched once, checked against the upstream&#39;s sha256 and kept here</dd>")
                .contains("<dt>Private names</dt><dd>acme-*, internal-*, corp-* (never looked up upstream)</dd>")
                .contains("<dt>Reserved names</dt><dd>2 names never looked up upstream (pypub names reserve)</dd>");
        assertThat(html).doesNotContain(PASSWORD).doesNotContain("ci-user").doesNotContain("***@");
        assertThat(fx.logs.all()).doesNotContain(PASSWORD);

        String redirect = page("/rd/");
        assertThat(redirect).contains("<li><code>https://pypi.org/simple/</code></li>").contains("this upstream index.")
                .contains("<dt>Mode</dt><dd>redirect: downloads go to the upstream itself</dd>")
                .contains("<dt>Private names</dt><dd>corp-* (never looked up upstream)</dd>")
                .contains("<dt>Reserved names</dt><dd>0 names never looked up upstream");
        assertThat(redirect).doesNotContain("mirror.example.internal");

        assertThat(page("/plain/")).doesNotContain("Upstreams").doesNotContain("pypi.org");
    }
}
