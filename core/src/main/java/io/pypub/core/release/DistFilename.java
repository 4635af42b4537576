package io.pypub.core.release;

import io.pypub.core.project.ProjectName;
import io.pypub.core.version.Version;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name and version encoded in a distribution's file name: {@code name-1.0.tar.gz} (sdist)
 * or {@code name-1.0(-build)?-py3-none-any.whl} (wheel). Rejects anything else, including
 * names with path separators, so a file name is always safe to use as the last part of a key.
 */
public record DistFilename(String filename, String project, Version version, PackageType type) {
    private static final Pattern SDIST = Pattern.compile("^(?<stem>[A-Za-z0-9._!+-]+)\\.(tar\\.gz|zip)$");
    private static final Pattern WHEEL = Pattern.compile(
            "^(?<name>[A-Za-z0-9._]+)-(?<ver>[A-Za-z0-9.!+_]+)(-[0-9][A-Za-z0-9_.]*)?-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\\.whl$");
    private static final int MAX_LENGTH = 255;

    public static DistFilename parse(String filename) {
        if (filename == null || filename.length() > MAX_LENGTH) {
            throw invalid(filename, "too long");
        }
        Matcher w = WHEEL.matcher(filename);
        if (w.matches()) {
            return of(filename, w, PackageType.WHEEL);
        }
        Matcher s = SDIST.matcher(filename);
        if (s.matches()) {
            // Legacy sdists keep '-' in the name (my-pkg-1.0.tar.gz): split at the first '-'
            // after which a valid version follows.
            String stem = s.group("stem");
            for (int i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
                String name = stem.substring(0, i);
                String ver = stem.substring(i + 1);
                if (ProjectName.isValid(name) && Version.isValid(ver)) {
                    return new DistFilename(filename, ProjectName.normalize(name), Version.parse(ver), PackageType.SDIST);
                }
            }
            throw invalid(filename, "no NAME-VERSION split with a valid name and PEP 440 version");
        }
        throw invalid(filename, "expected NAME-VERSION.tar.gz or a PEP 427 wheel name");
    }

    private static DistFilename of(String filename, Matcher m, PackageType type) {
        String name = m.group("name");
        if (!ProjectName.isValid(name)) {
            throw invalid(filename, "'" + name + "' is not a valid project name");
        }
        // Wheel names escape '-' in the version as '_'.
        String ver = m.group("ver");
        if (!Version.isValid(ver)) {
            throw invalid(filename, "'" + ProjectName.printable(ver) + "' is not a PEP 440 version");
        }
        return new DistFilename(filename, ProjectName.normalize(name), Version.parse(ver), type);
    }

    private static IllegalArgumentException invalid(String filename, String why) {
        return new IllegalArgumentException("Invalid distribution file name '" + ProjectName.printable(filename) + "': " + why);
    }
}
