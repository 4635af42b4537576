package io.pypub.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Predicate;

/** Recursive delete and copy of folders (build output, temporary folders, example projects). */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes a folder and everything in it; does nothing if it does not exist. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Best effort: a leftover temporary folder is harmless, so failures are ignored. */
    public static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (UncheckedIOException e) {
            // leave it to the OS's temp cleanup
        }
    }

    /** Copies {@code from} to a fresh {@code to} (replaced if present), skipping paths (relative to {@code from}) that {@code skip} matches. */
    public static Path copyFresh(Path from, Path to, Predicate<Path> skip) {
        delete(to);
        try (var paths = Files.walk(from)) {
            for (Path p : paths.sorted().toList()) {
                Path rel = from.relativize(p);
                if (!rel.toString().isEmpty() && skip.test(rel)) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
        return to;
    }
}
