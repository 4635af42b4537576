package io.pypub.core.docs;

import io.pypub.core.error.PublishException;
import io.pypub.core.project.ProjectName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which modules pdoc documents: the wheel's top-level packages (folders with
 * {@code __init__.py}) and top-level {@code .py} modules, or an explicit list. Every name is
 * checked to be a plain (dotted) Python identifier, because it ends up on pdoc's command line.
 */
public final class DocsModules {
    // ASCII only: Python allows more, but these names reach a command line and a file name.
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DOTTED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final int MAX_NAME_LENGTH = 200;
    /** Top-level names that are shipped by accident or by convention but are not the library's API. */
    private static final Set<String> NOT_API = Set.of("tests", "test", "testing", "docs", "examples", "benchmarks", "setup", "conftest");

    private DocsModules() {}

    /** The explicit list when it has names, else what the wheel holds. */
    public static List<String> resolve(Path wheel, List<String> override) {
        return override == null || override.isEmpty() ? detect(wheel) : validated(override);
    }

    /** The wheel's top-level importable modules, sorted; fails if there are none. */
    public static List<String> detect(Path wheel) {
        Set<String> modules = new TreeSet<>();
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String top = topLevelModule(e.nextElement());
                if (top != null) {
                    modules.add(top);
                }
            }
        } catch (IOException e) {
            throw new PublishException(wheel.getFileName() + " is not a readable wheel (zip): " + e.getMessage(), e);
        }
        if (modules.isEmpty()) {
            throw new PublishException("Found no top-level package or module to document in " + wheel.getFileName()
                    + " (namespace packages are not detected): name the modules for pdoc explicitly.");
        }
        return List.copyOf(modules);
    }

    /** Checks an explicit list: dotted Python identifiers, no duplicates. */
    public static List<String> validated(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new PublishException("No modules given for pdoc");
        }
        Set<String> seen = new TreeSet<>();
        List<String> out = new ArrayList<>();
        for (String raw : names) {
            String name = raw == null ? "" : raw.strip();
            if (!isDottedIdentifier(name)) {
                throw new PublishException("Invalid module name '" + ProjectName.printable(raw)
                        + "' for the docs: use an importable Python module name such as my_package or my_package.api");
            }
            if (seen.add(name)) {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    public static boolean isIdentifier(String name) {
        return name != null && name.length() <= MAX_NAME_LENGTH && IDENTIFIER.matcher(name).matches();
    }

    public static boolean isDottedIdentifier(String name) {
        return name != null && name.length() <= MAX_NAME_LENGTH && DOTTED.matcher(name).matches();
    }

    /** {@code pkg/__init__.py} gives {@code pkg}, {@code mod.py} gives {@code mod}; anything else null. */
    private static String topLevelModule(ZipEntry entry) {
        if (entry.isDirectory()) {
            return null;
        }
        String[] parts = entry.getName().split("/", -1);
        String candidate;
        if (parts.length == 1 && parts[0].endsWith(".py")) {
            candidate = parts[0].substring(0, parts[0].length() - ".py".length());
        } else if (parts.length == 2 && parts[1].equals("__init__.py")) {
            candidate = parts[0];
        } else {
            return null; // *.dist-info/ and *.data/ have dots in their names, so they never get here as identifiers
        }
        // Leading '_' is private by Python convention (e.g. _version.py, _cffi_backend); pdoc would hide it too.
        if (!isIdentifier(candidate) || candidate.startsWith("_") || NOT_API.contains(candidate)) {
            return null;
        }
        return candidate;
    }
}
