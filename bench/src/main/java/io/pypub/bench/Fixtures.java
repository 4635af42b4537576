package io.pypub.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Generated inputs: a real sdist and a pdoc-like docs site, deterministic for a given seed. */
final class Fixtures {
    private static final String[] WORDS = ("the index serves a release of the package with its files and hashes to pip "
            + "class def return self value module function parameter version stage project docs latest upload record "
            + "div span href class=\"name\" <code> </code> <p> </p> import from typing Optional List Dict").split(" ");
    private static final String[] DOCS_KINDS = {"html", "html", "html", "html", "html", "html", "html", "css", "js", "svg"};

    private Fixtures() {}

    /**
     * A gzip'd tar sdist {@code NAME-VERSION.tar.gz} with a static PKG-INFO (Metadata-Version 2.2, so
     * the pipeline also uploads it as PEP 658 metadata), a little source and {@code payloadBytes} of
     * incompressible data, so the file is about that large.
     */
    static Path sdist(Path dir, String name, String version, int payloadBytes, long seed) throws IOException {
        Files.createDirectories(dir);
        String base = name + "-" + version;
        Path file = dir.resolve(base + ".tar.gz");
        Random random = new Random(seed);
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            add(tar, base + "/PKG-INFO", ("Metadata-Version: 2.2\nName: " + name + "\nVersion: " + version
                    + "\nSummary: Benchmark package\nRequires-Python: >=3.9\n").getBytes(StandardCharsets.UTF_8));
            add(tar, base + "/pyproject.toml", ("[project]\nname = \"" + name + "\"\nversion = \"" + version + "\"\n")
                    .getBytes(StandardCharsets.UTF_8));
            add(tar, base + "/src/" + name + "/__init__.py", text(random, 4_000).getBytes(StandardCharsets.UTF_8));
            add(tar, base + "/src/" + name + "/data.bin", payload);
        }
        return file;
    }

    private static void add(TarArchiveOutputStream tar, String path, byte[] body) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(path);
        entry.setSize(body.length);
        tar.putArchiveEntry(entry);
        tar.write(body);
        tar.closeArchiveEntry();
    }

    /** {@code count} files of 1-30 KB, mostly HTML with some CSS, JS and SVG, in a few folders. */
    static Path docsSite(Path dir, String name, int count, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            String kind = i == 0 ? "html" : DOCS_KINDS[random.nextInt(DOCS_KINDS.length)];
            String relative = i == 0 ? "index.html" : name + "/sub" + (i % 8) + "/page" + i + "." + kind;
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text(random, 1_024 + random.nextInt(29 * 1_024)));
        }
        return dir;
    }

    /** Text of about {@code bytes} bytes made of source-like words. */
    static String text(Random random, int bytes) {
        StringBuilder sb = new StringBuilder(bytes + 16);
        while (sb.length() < bytes) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? '\n' : ' ');
        }
        sb.setLength(bytes);
        return sb.toString();
    }

    /** {@code bytes} random bytes. */
    static byte[] randomBytes(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return b;
    }
}
