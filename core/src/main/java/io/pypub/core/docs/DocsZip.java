package io.pypub.core.docs;

import io.pypub.core.project.ProjectName;
import io.pypub.core.error.PublishException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A zip of HTML docs sent by a client ({@code :action=doc_upload}, what devpi accepts), unpacked to a folder so it can
 * be stored exactly like pdoc's output. Checked before a byte is written: it must be a zip, with at most
 * {@link #MAX_ENTRIES} entries, no symbolic links, only relative paths that stay inside it (no absolute path, no
 * {@code ..}), and {@code index.html} at its root (what the release's docs URL opens). Sizes are then counted as
 * bytes are written ({@link WheelExtractor}), so a zip bomb stops at {@link #MAX_TOTAL_BYTES}.
 */
public final class DocsZip {
    public static final int MAX_ENTRIES = 20_000;
    public static final long MAX_ENTRY_BYTES = 64L * 1024 * 1024;
    public static final long MAX_TOTAL_BYTES = 512L * 1024 * 1024;

    private DocsZip() {}

    /** Checks {@code zip} and unpacks it into the existing, empty folder {@code dest}; any problem is a {@link PublishException}. */
    public static void extract(Path zip, Path dest) {
        boolean index = false;
        String name = "The docs zip";
        try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
            int entries = 0;
            for (Enumeration<ZipArchiveEntry> e = z.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                if (++entries > MAX_ENTRIES) {
                    throw new PublishException(name + " has more than " + MAX_ENTRIES + " entries; nothing was stored.");
                }
                if (entry.isUnixSymlink()) {
                    throw new PublishException(name + " contains a symbolic link '" + ProjectName.printable(entry.getName())
                            + "'; docs must be plain files. Nothing was stored.");
                }
                WheelExtractor.safeTarget(dest.toAbsolutePath().normalize(), entry.getName(), "The docs zip");
                index |= entry.getName().equals("index.html");
            }
        } catch (IOException e) {
            throw new PublishException(name + " is not a readable zip file (" + e.getMessage() + "); nothing was stored.", e);
        }
        if (!index) {
            throw new PublishException(name + " has no index.html at its root (the page the docs URL opens); nothing was stored.");
        }
        new WheelExtractor(MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, MAX_ENTRIES).extract(zip, dest);
    }
}
