package io.pypub.server.access;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A small setuptools sdist (PKG-INFO, pyproject.toml with a {@code [build-system]} that needs
 * setuptools, one package): installing it makes pip fetch setuptools from the index to build it.
 */
final class TinySdists {
    private TinySdists() {}

    static Path write(Path dir, String name, String version) throws IOException {
        String dist = name.replace('-', '_');
        String root = dist + "-" + version + "/";
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(root + "PKG-INFO", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version
                + "\nSummary: An sdist that needs setuptools to build\nRequires-Python: >=3.8\n\n");
        entries.put(root + "pyproject.toml", "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
                + "[project]\nname = \"" + name + "\"\nversion = \"" + version + "\"\nrequires-python = \">=3.8\"\n\n"
                + "[tool.setuptools]\npackages = [\"" + dist + "_mod\"]\n");
        entries.put(root + dist + "_mod/__init__.py", "VERSION = \"" + version + "\"\n");
        Path sdist = dir.resolve(dist + "-" + version + ".tar.gz");
        try (OutputStream out = Files.newOutputStream(sdist);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : entries.entrySet()) {
                byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(b.length);
                entry.setMode(0644);
                tar.putArchiveEntry(entry);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
        return sdist;
    }
}
