package io.pypub.core.docs;

import io.pypub.core.error.PublishException;
import io.pypub.core.project.ProjectName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a wheel (a zip) into a folder so pdoc can import it without installing it. The wheel
 * comes from the build of code we do not control, so every entry name is checked to stay inside
 * the folder (no zip-slip) and sizes are counted as bytes are written, not taken from the
 * headers, so a zip bomb stops at the limit.
 */
public final class WheelExtractor {
    public static final long DEFAULT_MAX_ENTRY_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_TOTAL_BYTES = 1024L * 1024 * 1024;
    public static final int DEFAULT_MAX_ENTRIES = 50_000;

    private final long maxEntryBytes;
    private final long maxTotalBytes;
    private final int maxEntries;

    public WheelExtractor() {
        this(DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_ENTRIES);
    }

    public WheelExtractor(long maxEntryBytes, long maxTotalBytes, int maxEntries) {
        this.maxEntryBytes = maxEntryBytes;
        this.maxTotalBytes = maxTotalBytes;
        this.maxEntries = maxEntries;
    }

    /** Extracts {@code wheel} into the existing folder {@code dest}; returns the number of files written. */
    public int extract(Path wheel, Path dest) {
        Path root = dest.toAbsolutePath().normalize();
        String name = wheel.getFileName().toString();
        int files = 0;
        long total = 0;
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            if (zip.size() > maxEntries) {
                throw new PublishException(name + " has " + zip.size() + " entries, more than the " + maxEntries
                        + " allowed for building docs; refusing to unpack it.");
            }
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                Path target = safeTarget(root, entry.getName(), name);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                total += copyLimited(zip, entry, target, maxTotalBytes - total, name);
                files++;
            }
        } catch (IOException e) {
            throw new PublishException("Cannot unpack " + name + " for the docs: " + e.getMessage(), e);
        }
        return files;
    }

    private long copyLimited(ZipFile zip, ZipEntry entry, Path target, long totalLeft, String wheelName) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        try (InputStream in = zip.getInputStream(entry);
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                written += n;
                if (written > maxEntryBytes) {
                    throw new PublishException(wheelName + ": entry '" + ProjectName.printable(entry.getName())
                            + "' unpacks to more than " + maxEntryBytes + " bytes; refusing to unpack it for the docs.");
                }
                if (written > totalLeft) {
                    throw new PublishException(wheelName + " unpacks to more than " + maxTotalBytes
                            + " bytes; refusing to unpack it for the docs.");
                }
                out.write(buffer, 0, n);
            }
        } catch (FileAlreadyExistsException e) {
            throw new PublishException(wheelName + " contains '" + ProjectName.printable(entry.getName())
                    + "' twice; refusing to unpack an ambiguous wheel.", e);
        }
        return written;
    }

    /** Resolves an entry name inside {@code root}, refusing anything that could land elsewhere. */
    static Path safeTarget(Path root, String entryName, String wheelName) {
        String problem = unsafeReason(entryName);
        if (problem == null) {
            Path target = root.resolve(entryName).normalize();
            if (target.startsWith(root) && !target.equals(root)) {
                return target;
            }
            problem = "it resolves outside the unpack folder";
        }
        throw new PublishException(wheelName + " contains an unsafe entry '" + ProjectName.printable(entryName) + "' ("
                + problem + "); refusing to unpack it. A wheel's paths must be relative and stay inside it.");
    }

    private static String unsafeReason(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf(':') >= 0) {
            return "absolute path, drive letter or backslash";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "control character";
            }
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "'..', '.' or empty path segment";
            }
        }
        return null;
    }
}
