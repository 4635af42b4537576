package io.pypub.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.Stage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upstream settings as options and environment give them, credentials kept apart, and both page formats parsed. */
class UpstreamSettingsTest {
    private static final Stage DEV = Stage.of("dev");

    @Test
    void optionsAndEnvironmentGiveTheSameSettings() {
        UpstreamSettings fromOptions = UpstreamSettings.parse(List.of("dev=https://pypi.org/simple", "dev=https://mirror.example/simple/",
                "prod=https://pypi.org/simple/"), List.of("cache", "prod=redirect"), List.of("dev=Acme_*,internal-*", "corp-*"), 60, 2);
        UpstreamSettings fromEnv = UpstreamSettings.fromEnvironment(Map.of(
                "PYPUB_UPSTREAM", "dev=https://pypi.org/simple;dev=https://mirror.example/simple/;prod=https://pypi.org/simple/",
                "PYPUB_UPSTREAM_MODE", "cache;prod=redirect", "PYPUB_PRIVATE_NAMES", "dev=Acme_*,internal-*;corp-*",
                "PYPUB_UPSTREAM_PAGE_SECONDS", "60", "PYPUB_UPSTREAM_TIMEOUT_SECONDS", "2"));
        for (UpstreamSettings s : List.of(fromOptions, fromEnv)) {
            assertThat(s.forStage(DEV).orElseThrow().urls()).extracting(u -> u.base().toString())
                    .containsExactly("https://pypi.org/simple/", "https://mirror.example/simple/");
            assertThat(s.forStage(DEV).orElseThrow().mode()).isEqualTo(UpstreamSettings.Mode.CACHE);
            assertThat(s.forStage(Stage.of("prod")).orElseThrow().mode()).isEqualTo(UpstreamSettings.Mode.REDIRECT);
            assertThat(s.forStage(Stage.of("test"))).isEmpty();
            assertThat(s.pageTtl()).isEqualTo(Duration.ofSeconds(60));
            assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(s.matchesPrivatePattern(DEV, "acme.utils")).isTrue();
            assertThat(s.matchesPrivatePattern(DEV, "Internal_Tool")).isTrue();
            assertThat(s.matchesPrivatePattern(DEV, "corp-x")).isTrue();
            assertThat(s.matchesPrivatePattern(Stage.of("prod"), "acme-utils")).isFalse();
            assertThat(s.matchesPrivatePattern(Stage.of("prod"), "corp-x")).isTrue();
            assertThat(s.matchesPrivatePattern(DEV, "requests")).isFalse();
        }
        assertThat(UpstreamSettings.fromEnvironment(Map.of()).isEmpty()).isTrue();
    }

    @Test
    void credentialsAreKeptOutOfEveryPrintedFormAndSentOnlyToTheUpstreamsOwnOrigin() {
        UpstreamUrl u = UpstreamUrl.parse("https://ci-user:t0ken%2Fsecret@mirror.example:8443/simple");
        assertThat(u.toString()).isEqualTo("https://***@mirror.example:8443/simple/").doesNotContain("t0ken");
        assertThat(u.base()).isEqualTo(URI.create("https://mirror.example:8443/simple/"));
        String auth = u.authorizationFor(URI.create("https://mirror.example:8443/files/x.whl"));
        assertThat(new String(java.util.Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8)).isEqualTo("ci-user:t0ken/secret");
        assertThat(u.authorizationFor(URI.create("https://files.example/x.whl"))).isNull();
        assertThat(u.authorizationFor(URI.create("http://mirror.example:8443/x.whl"))).isNull();
        UpstreamSettings s = UpstreamSettings.parse(List.of("dev=https://ci-user:t0ken@mirror.example/simple/"), List.of(), List.of(), 1, 1);
        assertThat(String.join("\n", s.describe())).contains("https://***@mirror.example/simple/").doesNotContain("t0ken");
        assertThatThrownBy(() -> UpstreamSettings.parse(List.of("dev=https://u:t0ken@mirror.example/simple/"), List.of("redirect"),
                List.of(), 1, 1)).hasMessageContaining("redirect mode").hasMessageNotContaining("t0ken");
        assertThatThrownBy(() -> UpstreamSettings.parse(List.of("https://u:t0ken@mirror.example/simple/"), List.of(), List.of(), 1, 1))
                .hasMessageContaining("STAGE=URL").hasMessageNotContaining("t0ken");
        assertThat(new UpstreamException("upstream https://u:t0ken@host/simple/ failed").getMessage()).doesNotContain("t0ken");
    }

    @Test
    void pep691JsonAndPep503HtmlPagesKeepHashesRequiresPythonYanksAndMetadata() throws Exception {
        String json = "{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"demo\",\"files\":["
                + "{\"filename\":\"demo-1.0-py3-none-any.whl\",\"url\":\"../../files/demo-1.0-py3-none-any.whl\","
                + "\"hashes\":{\"sha256\":\"" + "a".repeat(64) + "\"},\"requires-python\":\">=3.9\",\"yanked\":\"broken\","
                + "\"core-metadata\":{\"sha256\":\"" + "b".repeat(64) + "\"},\"size\":12},"
                + "{\"filename\":\"demo-0.9.tar.gz\",\"url\":\"https://files.example/demo-0.9.tar.gz\",\"hashes\":{},"
                + "\"dist-info-metadata\":true}]}";
        UpstreamProject p = SimplePageParser.parse("demo", "u", URI.create("https://idx.example/simple/demo/"),
                "application/vnd.pypi.simple.v1+json", json.getBytes(StandardCharsets.UTF_8));
        UpstreamProject.File whl = p.file("demo-1.0-py3-none-any.whl").orElseThrow();
        assertThat(whl.url()).isEqualTo(URI.create("https://idx.example/files/demo-1.0-py3-none-any.whl"));
        assertThat(whl.sha256()).isEqualTo("a".repeat(64));
        assertThat(whl.requiresPython()).isEqualTo(">=3.9");
        assertThat(whl.yanked()).isEqualTo("broken");
        assertThat(whl.metadataSha256()).isEqualTo("b".repeat(64));
        assertThat(p.file("demo-0.9.tar.gz").orElseThrow().sha256()).isNull();
        assertThat(p.file("demo-0.9.tar.gz").orElseThrow().metadataSha256()).isEmpty();

        String html = "<!DOCTYPE html><html><body>\n<a href=\"../../files/demo-1.0-py3-none-any.whl#sha256=" + "C".repeat(64)
                + "\" data-requires-python=\"&gt;=3.8,&lt;4\" data-dist-info-metadata=\"sha256=" + "d".repeat(64)
                + "\" data-yanked=\"\">demo-1.0-py3-none-any.whl</a><br/>\n<A HREF='https://files.example/demo-0.9.tar.gz'>demo-0.9.tar.gz</A>"
                + "</body></html>";
        UpstreamProject h = SimplePageParser.parse("demo", "u", URI.create("https://idx.example/simple/demo/"), "text/html",
                html.getBytes(StandardCharsets.UTF_8));
        UpstreamProject.File f = h.file("demo-1.0-py3-none-any.whl").orElseThrow();
        assertThat(f.url()).isEqualTo(URI.create("https://idx.example/files/demo-1.0-py3-none-any.whl"));
        assertThat(f.sha256()).isEqualTo("c".repeat(64));
        assertThat(f.requiresPython()).isEqualTo(">=3.8,<4");
        assertThat(f.metadataSha256()).isEqualTo("d".repeat(64));
        assertThat(f.yanked()).isEmpty();
        UpstreamProject.File sdist = h.file("demo-0.9.tar.gz").orElseThrow();
        assertThat(sdist.sha256()).isNull();
        assertThat(sdist.yanked()).isNull();
        assertThat(sdist.metadataSha256()).isNull();
    }
}
