package io.pypub.server.access;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Small, valid, installable pure-Python wheels (METADATA, WHEEL, a RECORD with real hashes), made in
 * a few milliseconds: for tests that need many projects where building each with {@code python -m
 * build} would take seconds.
 */
public final class TinyWheels {
    private TinyWheels() {}

    /** Writes {@code {name}-{version}-py3-none-any.whl} into {@code dir}, with module {@code name_mod} printing its version. */
    public static Path write(Path dir, String name, String version) throws IOException {
        return write(dir, name, version, java.util.List.of());
    }

    /** As above, declaring {@code requires} as its dependencies (Requires-Dist). */
    public static Path write(Path dir, String name, String version, java.util.List<String> requires) throws IOException {
        return write(dir, name, version, "Summary: The project named " + name + "\nRequires-Python: >=3.8\n"
                + requires.stream().map(r -> "Requires-Dist: " + r + "\n").collect(java.util.stream.Collectors.joining()), "");
    }

    /** The same with its own metadata headers (each line ending in a newline) and long description (the body). */
    public static Path write(Path dir, String name, String version, String headers, String description) throws IOException {
        return write(dir, name, version, headers, description, Map.of());
    }

    /** A wheel of at least {@code bytes} bytes: random (incompressible) text in a data file beside the module. */
    public static Path ofSize(Path dir, String name, String version, int bytes) throws IOException {
        byte[] random = new byte[bytes];
        new java.util.Random(bytes).nextBytes(random);
        return write(dir, name, version, "Summary: " + bytes + " bytes\n", "",
                Map.of(name.replace('-', '_') + "_mod/data.txt", Base64.getEncoder().encodeToString(random)));
    }

    private static Path write(Path dir, String name, String version, String headers, String description, Map<String, String> extra)
            throws IOException {
        String dist = name.replace('-', '_');
        String module = dist + "_mod";
        String info = dist + "-" + version + ".dist-info/";
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(module + "/__init__.py", "VERSION = \"" + version + "\"\n");
        entries.put(info + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n" + headers + "\n"
                + description);
        entries.putAll(extra);
        entries.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: pypub-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n");
        StringBuilder record = new StringBuilder();
        entries.forEach((path, text) -> {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            record.append(path).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(b)))
                    .append(',').append(b.length).append('\n');
        });
        record.append(info).append("RECORD,,\n");
        entries.put(info + "RECORD", record.toString());
        Path wheel = dir.resolve(dist + "-" + version + "-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return wheel;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
