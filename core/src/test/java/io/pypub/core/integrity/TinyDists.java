package io.pypub.core.integrity;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Small, valid distributions made in the test (a real build takes seconds): an sdist with
 * {@code NAME-VERSION/PKG-INFO} and a wheel with {@code NAME-VERSION.dist-info/METADATA}, WHEEL and
 * RECORD. {@code variant} changes the bytes (not the metadata), so two variants of one version are
 * two different builds of it.
 */
public final class TinyDists {
    /** Fixed entry times: the same project, version and variant always give the same bytes (and keys). */
    private static final long FIXED_TIME = 1_700_000_000_000L;

    private TinyDists() {}

    public static List<Path> make(Path dir, String project, String version, String variant) {
        String dist = project.replace('-', '_');
        try {
            Files.createDirectories(dir);
            Path folder = Files.createTempDirectory(dir, project + "-" + version + "-" + variant + "-");
            String metadata = "Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version
                    + "\nSummary: a tiny test distribution\nRequires-Python: >=3.8\n";
            Path sdist = folder.resolve(dist + "-" + version + ".tar.gz");
            try (OutputStream out = Files.newOutputStream(sdist);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
                add(tar, dist + "-" + version + "/PKG-INFO", metadata);
                add(tar, dist + "-" + version + "/" + dist + ".py", "VARIANT = '" + variant + "'\n");
            }
            Path wheel = folder.resolve(dist + "-" + version + "-py3-none-any.whl");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(wheel))) {
                String info = dist + "-" + version + ".dist-info/";
                add(zip, dist + ".py", "VARIANT = '" + variant + "'\n");
                add(zip, info + "METADATA", metadata);
                add(zip, info + "WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
                add(zip, info + "RECORD", dist + ".py,,\n" + info + "METADATA,,\n" + info + "WHEEL,,\n" + info + "RECORD,,\n");
            }
            return List.of(sdist, wheel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(TarArchiveOutputStream tar, String name, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        e.setModTime(FIXED_TIME);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void add(ZipOutputStream zip, String name, String text) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(FIXED_TIME);
        zip.putNextEntry(e);
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
