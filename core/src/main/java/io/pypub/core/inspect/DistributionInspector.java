package io.pypub.core.inspect;

import io.pypub.core.release.DistFilename;
import io.pypub.core.release.PackageType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a distribution's own core metadata: {@code NAME-VER/PKG-INFO} of an sdist, or
 * {@code NAME.dist-info/METADATA} of a wheel. The file name alone is never trusted.
 */
public final class DistributionInspector {
    /** Metadata larger than this is refused rather than read into memory. */
    private static final int MAX_METADATA_BYTES = 4 * 1024 * 1024;

    public InspectedDistribution inspect(Path file) {
        String filename = file.getFileName().toString();
        DistFilename parsed;
        try {
            parsed = DistFilename.parse(filename);
        } catch (IllegalArgumentException e) {
            throw new InvalidDistributionException(e.getMessage(), e);
        }
        byte[] raw = parsed.type() == PackageType.WHEEL ? wheelMetadata(file) : sdistMetadata(file);
        CoreMetadata metadata = CoreMetadata.parse(raw);
        if (metadata.name() == null || metadata.version() == null) {
            throw new InvalidDistributionException(filename + ": its core metadata has no Name or Version field");
        }
        return new InspectedDistribution(file, parsed, metadata);
    }

    private static byte[] wheelMetadata(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<ZipEntry> candidates = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String[] parts = entry.getName().split("/");
                if (parts.length == 2 && parts[0].endsWith(".dist-info") && parts[1].equals("METADATA")) {
                    candidates.add(entry);
                }
            }
            if (candidates.size() != 1) {
                throw new InvalidDistributionException(file.getFileName() + ": expected exactly one *.dist-info/METADATA, found "
                        + candidates.size());
            }
            try (InputStream in = zip.getInputStream(candidates.get(0))) {
                return readLimited(in, file);
            }
        } catch (IOException e) {
            throw new InvalidDistributionException(file.getFileName() + " is not a readable wheel (zip): " + e.getMessage(), e);
        }
    }

    private static byte[] sdistMetadata(Path file) {
        if (!file.getFileName().toString().endsWith(".tar.gz")) {
            throw new InvalidDistributionException(file.getFileName() + ": only .tar.gz sdists are supported (PEP 625)");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String[] parts = entry.getName().split("/");
                if (entry.isFile() && parts.length == 2 && parts[1].equals("PKG-INFO")) {
                    return readLimited(tar, file);
                }
            }
        } catch (IOException e) {
            throw new InvalidDistributionException(file.getFileName() + " is not a readable sdist (tar.gz): " + e.getMessage(), e);
        }
        throw new InvalidDistributionException(file.getFileName() + ": no NAME-VERSION/PKG-INFO at the top of the sdist");
    }

    private static byte[] readLimited(InputStream in, Path file) throws IOException {
        byte[] bytes = in.readNBytes(MAX_METADATA_BYTES + 1);
        if (bytes.length > MAX_METADATA_BYTES) {
            throw new InvalidDistributionException(file.getFileName() + ": core metadata is larger than 4 MiB");
        }
        return bytes;
    }
}
