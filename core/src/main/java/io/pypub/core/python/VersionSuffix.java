package io.pypub.core.python;

import io.pypub.core.error.PublishException;
import io.pypub.core.progress.PublishLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies a version suffix such as {@code .dev42} for one build, as the old pipeline's
 * {@code setup.py egg_info --tag-build=.dev42} did: setuptools reads {@code [egg_info] tag_build}
 * from setup.cfg, for pyproject-based and setup.py projects alike. The project's setup.cfg is
 * restored (or removed) when the build is done, so the workspace is left as it was.
 * Other build backends set their version their own way (see docs/ARCHITECTURE.md).
 */
public final class VersionSuffix implements AutoCloseable {
    private static final Pattern BACKEND = Pattern.compile("(?m)^\\s*build-backend\\s*=\\s*[\"']([^\"']+)[\"']");

    private final Path setupCfg;
    private final byte[] original; // null when there was no setup.cfg

    private VersionSuffix(Path setupCfg, byte[] original) {
        this.setupCfg = setupCfg;
        this.original = original;
    }

    public static VersionSuffix apply(Path projectDir, String suffix, PublishLog log) {
        String backend = backend(projectDir);
        if (!backend.startsWith("setuptools")) {
            throw new PublishException("A version suffix needs the setuptools build backend; this project uses '" + backend
                    + "'. Set the version with the backend's own tool before publishing instead (hatch: `hatch version "
                    + "X.Y.Z.devN`; poetry: `poetry version X.Y.Z.devN`; flit/pdm: edit the version), then publish without a suffix.");
        }
        Path cfg = projectDir.resolve("setup.cfg");
        try {
            byte[] original = Files.exists(cfg) ? Files.readAllBytes(cfg) : null;
            String text = original == null ? "" : new String(original, StandardCharsets.UTF_8);
            if (Pattern.compile("(?m)^\\s*tag_build\\s*=").matcher(text).find()) {
                throw new PublishException("setup.cfg already sets [egg_info] tag_build; remove it or publish without a version suffix.");
            }
            String added = "\n[egg_info]\ntag_build = " + suffix + "\n";
            if (Pattern.compile("(?m)^\\[egg_info\\]\\s*$").matcher(text).find()) {
                added = null;
                text = text.replaceFirst("(?m)^\\[egg_info\\]\\s*$", Matcher.quoteReplacement("[egg_info]\ntag_build = " + suffix));
            }
            Files.writeString(cfg, added == null ? text : text + added, StandardCharsets.UTF_8);
            log.info("Version suffix " + suffix + " applied through setup.cfg [egg_info] tag_build (restored after the build)");
            return new VersionSuffix(cfg, original);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot apply the version suffix in " + cfg + ": " + e.getMessage(), e);
        }
    }

    /** The PEP 517 backend named in pyproject.toml; setuptools' legacy backend when there is none. */
    static String backend(Path projectDir) {
        Path pyproject = projectDir.resolve("pyproject.toml");
        if (!Files.isRegularFile(pyproject)) {
            return "setuptools.build_meta:__legacy__";
        }
        try {
            Matcher m = BACKEND.matcher(Files.readString(pyproject));
            return m.find() ? m.group(1) : "setuptools.build_meta:__legacy__";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (original == null) {
                Files.deleteIfExists(setupCfg);
            } else {
                Files.write(setupCfg, original);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restore " + setupCfg + ": " + e.getMessage(), e);
        }
    }
}
