package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Provenance;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.version.Version;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A release's provenance (the publishing build, the promoting builds) on the human pages, and only there. */
class ProvenancePagesTest {
    private static final Provenance BUILD = new Provenance("https://jenkins.example.com/", "libs/hello-package/main", "41",
            "https://jenkins.example.com/job/libs/job/hello-package/job/main/41/", "0123456789abcdef0123456789abcdef01234567",
            "linux-agent-3", "1.4.0", List.of());
    private static AccessFixture index;
    private static String key;

    @BeforeAll
    static void publishAndPromote() {
        index = new AccessFixture();
        index.deployment.pipeline().publish(PublishRequest.builder(index.env.copyOfExample("hello-package"), Stage.of("test"))
                .python(index.env.python().python().toString())
                .buildIsolation(false)
                .docs(false)
                .publishedBy(BUILD.buildUrl())
                .sourceRevision(BUILD.commit())
                .provenance(BUILD)
                .build(), new RecordingLog());
        assertThat(index.cli(null, "promote", "hello-package", "0.1.0", "--from", "test", "--to", "prod",
                "--actor", "https://jenkins.example.com/job/release/7/").exitCode()).isZero();
        key = index.createKey("--client", "reader", "--stages", "test,prod");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    private static String get(String path, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + key;
        System.arraycopy(headers, 0, all, 2, headers.length);
        HttpResponse<byte[]> r = index.get(path, all);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theRecordKeepsThePublishingBuildAndPromoteAddsThePromotingBuild() {
        Release test = index.deployment.versions().release(Stage.of("test"), "hello-package", Version.parse("0.1.0")).orElseThrow();
        assertThat(test.provenance()).isEqualTo(BUILD);
        Release prod = index.deployment.versions().release(Stage.of("prod"), "hello-package", Version.parse("0.1.0")).orElseThrow();
        assertThat(prod.provenance().fields()).isEqualTo(BUILD.fields());
        assertThat(prod.provenance().promotions()).singleElement().satisfies(p -> {
            assertThat(p.from()).isEqualTo(Stage.of("test"));
            assertThat(p.to()).isEqualTo(Stage.of("prod"));
            assertThat(p.by()).isEqualTo("https://jenkins.example.com/job/release/7/");
            assertThat(p.at()).isNotNull();
        });
    }

    @Test
    void theProjectAndVersionPagesShowTheBuildAgentPluginAndPromotion() throws Exception {
        for (String path : List.of("/prod/-/project/hello-package/", "/prod/-/project/hello-package/0.1.0/")) {
            assertThat(get(path)).as(path)
                    .contains("<dd class=\"provenance-build\"><a rel=\"nofollow noopener noreferrer\" "
                            + "href=\"https://jenkins.example.com/job/libs/job/hello-package/job/main/41/\">libs/hello-package/main #41</a>")
                    .contains("href=\"https://jenkins.example.com/\">https://jenkins.example.com/</a>")
                    .contains("<dt>Agent</dt><dd>linux-agent-3</dd>")
                    .contains("<dt>pypub plugin</dt><dd>1.4.0</dd>")
                    .contains("<dd class=\"provenance-promotion\">test &rarr; prod by <a rel=\"nofollow noopener noreferrer\" "
                            + "href=\"https://jenkins.example.com/job/release/7/\">");
        }
        assertThat(get("/test/-/project/hello-package/0.1.0/")).contains("linux-agent-3").doesNotContain("provenance-promotion");
    }

    @Test
    void showJsonHasTheProvenanceForTooling() {
        var r = index.cli(null, "show", "hello-package", "--stage", "prod", "--json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("\"provenance\"").contains("\"agent\" : \"linux-agent-3\"")
                .contains("\"by\" : \"https://jenkins.example.com/job/release/7/\"");
    }

    @Test
    void thePep691JsonStaysTheStandardsShape() throws Exception {
        String json = get("/prod/simple/hello-package/", "Accept", "application/vnd.pypi.simple.v1+json");
        assertThat(json).contains("\"files\"").doesNotContain("linux-agent-3").doesNotContain("_pypub").doesNotContain("jenkins");
    }
}
