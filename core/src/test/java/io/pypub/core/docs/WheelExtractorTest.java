package io.pypub.core.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.error.PublishException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WheelExtractorTest {
    @TempDir
    Path tmp;

    @Test
    void unpacksFilesAndFolders() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("pkg/", "");
        entries.put("pkg/__init__.py", "x = 1\n");
        entries.put("pkg/data/table.csv", "a,b\n");
        Path wheel = Zips.write(tmp.resolve("pkg-1.0-py3-none-any.whl"), entries);
        Path dest = Files.createDirectory(tmp.resolve("out"));

        assertThat(new WheelExtractor().extract(wheel, dest)).isEqualTo(2);
        assertThat(dest.resolve("pkg/__init__.py")).hasContent("x = 1");
        assertThat(dest.resolve("pkg/data/table.csv")).hasContent("a,b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.py", "pkg/../../evil.py", "/etc/evil.py", "pkg\\..\\..\\evil.py", "C:/evil.py", "pkg//evil.py",
            "./evil.py"})
    void refusesEntriesThatCouldLandOutsideTheFolder(String name) throws Exception {
        Path wheel = Zips.write(tmp.resolve("evil-1.0-py3-none-any.whl"), Map.of("evil/__init__.py", "", name, "boom"));
        Path dest = Files.createDirectories(tmp.resolve("a/b/out"));

        assertThatThrownBy(() -> new WheelExtractor().extract(wheel, dest))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("evil-1.0-py3-none-any.whl contains an unsafe entry")
                .hasMessageContaining("refusing to unpack it");
        assertThat(tmp.resolve("a/b/evil.py")).doesNotExist();
        assertThat(tmp.resolve("a/evil.py")).doesNotExist();
    }

    @Test
    void stopsAtTheSizeLimitsCountingRealBytes() throws Exception {
        Path wheel = Zips.write(tmp.resolve("big-1.0-py3-none-any.whl"),
                Map.of("big/__init__.py", "0".repeat(5000), "big/more.py", "1".repeat(5000)));

        assertThatThrownBy(() -> new WheelExtractor(1000, 100_000, 10).extract(wheel, Files.createDirectory(tmp.resolve("o1"))))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("unpacks to more than 1000 bytes");
        assertThatThrownBy(() -> new WheelExtractor(100_000, 8000, 10).extract(wheel, Files.createDirectory(tmp.resolve("o2"))))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("big-1.0-py3-none-any.whl unpacks to more than 8000 bytes");
        assertThatThrownBy(() -> new WheelExtractor(100_000, 100_000, 1).extract(wheel, Files.createDirectory(tmp.resolve("o3"))))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("has 2 entries");
    }
}
