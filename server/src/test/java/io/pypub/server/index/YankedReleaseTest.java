package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.python.PythonEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PEP 592 with real clients: hello-package 0.2.0 is yanked ("broken"), so an unpinned install
 * gets 0.1.0 while {@code ==0.2.0} still gets 0.2.0, and both page formats say why.
 */
class YankedReleaseTest {
    private static final String VERSION = "import hello_package; print(hello_package.__version__)";
    private static final String JSON = "application/vnd.pypi.simple.v1+json";

    private static IndexFixture index;
    private static String simple;

    @BeforeAll
    static void publishAndYank() throws Exception {
        index = new IndexFixture();
        ExamplePackages.publish(index, ExamplePackages.helloPackage(index.env, "0.1.0"), "dev");
        ExamplePackages.publish(index, ExamplePackages.helloPackage(index.env, "0.2.0"), "dev");
        ExamplePackages.yank(index, "dev", "hello-package", "0.2.0", "broken");
        ExamplePackages.awaitPage(index, "/dev/simple/hello-package/", JSON, body -> body.contains("\"yanked\":\"broken\""));
        simple = index.url("/dev/simple/");
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void pipSkipsTheYankedReleaseUnlessPinned() {
        PythonEnvironment unpinned = ClientTools.freshVenv();
        assertThat(ClientTools.pip(unpinned, "install", "--index-url", simple, "hello-package"))
                .contains("Successfully installed hello-package-0.1.0");
        assertThat(ClientTools.python(unpinned.python(), VERSION)).isEqualTo("0.1.0");

        PythonEnvironment pinned = ClientTools.freshVenv();
        String out = ClientTools.pip(pinned, "install", "--index-url", simple, "hello-package==0.2.0");
        assertThat(out).contains("Successfully installed hello-package-0.2.0")
                .contains("yanked version").contains("Reason for being yanked: broken");
        assertThat(ClientTools.python(pinned.python(), VERSION)).isEqualTo("0.2.0");
    }

    @Test
    void uvSkipsTheYankedReleaseUnlessPinned() {
        PythonEnvironment unpinned = ClientTools.freshVenv();
        assertThat(uv(unpinned, "hello-package")).contains("+ hello-package==0.1.0");
        PythonEnvironment pinned = ClientTools.freshVenv();
        assertThat(uv(pinned, "hello-package==0.2.0")).contains("+ hello-package==0.2.0").contains("broken");
    }

    @Test
    void bothFormatsMarkOnlyTheYankedFiles() throws Exception {
        String html = new String(index.get("/dev/simple/hello-package/").body(), StandardCharsets.UTF_8);
        List<String> anchors = html.lines().filter(l -> l.contains("<a ")).toList();
        assertThat(anchors).hasSize(4);
        assertThat(anchors).filteredOn(a -> a.contains("-0.2.0")).hasSize(2).allSatisfy(a -> assertThat(a).contains(" data-yanked=\"broken\""));
        assertThat(anchors).filteredOn(a -> a.contains("-0.1.0")).hasSize(2).allSatisfy(a -> assertThat(a).doesNotContain("data-yanked"));

        JsonNode files = new ObjectMapper().readTree(index.get("/dev/simple/hello-package/", "Accept", JSON).body()).path("files");
        assertThat(files).hasSize(4);
        for (JsonNode f : files) {
            boolean yanked = f.path("filename").asText().contains("-0.2.0");
            assertThat(f.path("yanked")).as(f.path("filename").asText())
                    .isEqualTo(yanked ? new ObjectMapper().getNodeFactory().textNode("broken") : new ObjectMapper().getNodeFactory().booleanNode(false));
        }
    }

    private static String uv(PythonEnvironment venv, String requirement) {
        return ClientTools.run(ClientTools.tempDir("uv-"), Map.of("UV_INDEX_STRATEGY", "first-index", "UV_PYTHON_DOWNLOADS", "never",
                        "UV_NO_PROGRESS", "1"),
                List.of(ClientTools.tool("uv").toString(), "pip", "install", "--no-config", "--no-cache",
                        "--python", venv.python().toString(), "--index-url", simple, requirement));
    }
}
