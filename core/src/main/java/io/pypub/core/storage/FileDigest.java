package io.pypub.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * sha256 (recorded, and shown to pip as {@code #sha256=}) and MD5 (sent as Content-MD5 so S3
 * rejects a body damaged in transit) of one file or byte array, computed in one pass.
 */
public record FileDigest(String sha256, String md5Base64, long size) {

    public static FileDigest of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static FileDigest of(byte[] bytes) {
        MessageDigest sha = digest("SHA-256");
        MessageDigest md5 = digest("MD5");
        sha.update(bytes);
        md5.update(bytes);
        return new FileDigest(HexFormat.of().formatHex(sha.digest()), Base64.getEncoder().encodeToString(md5.digest()), bytes.length);
    }

    public static FileDigest of(InputStream in) throws IOException {
        MessageDigest sha = digest("SHA-256");
        MessageDigest md5 = digest("MD5");
        byte[] buf = new byte[64 * 1024];
        long size = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            md5.update(buf, 0, n);
            size += n;
        }
        return new FileDigest(HexFormat.of().formatHex(sha.digest()), Base64.getEncoder().encodeToString(md5.digest()), size);
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
