package io.pypub.core.python;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.pypub.core.project.ProjectName;
import io.pypub.core.version.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The project name and version a Python project states statically, read without building it:
 * {@code [project] name/version} of pyproject.toml (PEP 621), or for setuptools projects without a
 * {@code [project]} table, {@code [metadata] name/version} of setup.cfg. With a version suffix
 * (applied by {@link VersionSuffix} through setuptools' {@code tag_build}) the version is the
 * stated one with the suffix appended, as the build will produce it.
 *
 * <p>Used to refuse a version that is already published before spending minutes on the build.
 * It must never refuse a publish that would have succeeded, so every doubt means "unknown"
 * (empty): a version listed in {@code dynamic}, {@code attr:}/{@code file:} in setup.cfg, a
 * setup.py that mentions a version, a file that does not parse, keys spelled in ways this reader
 * does not follow. The check after the build (on the built files' metadata) stays the authority.
 *
 * <p>pyproject.toml is read with Jackson's TOML module (a full TOML 1.0 parser, next to the
 * Jackson core already depends on), not by hand: strings, comments, multi-line arrays, dotted keys
 * and escapes all decide where {@code [project]} and its version are.
 *
 * @param name the name as stated
 * @param project the PEP 503 normalized name
 * @param version the version the build will produce (with the suffix)
 * @param source where it was read, e.g. "pyproject.toml [project]"
 */
public record StaticVersion(String name, String project, Version version, String source) {

    /** The statically stated name and version of the project in this folder, or empty when in doubt. */
    public static Optional<StaticVersion> read(Path projectDir, String versionSuffix) {
        try {
            Optional<String[]> stated = fromPyproject(projectDir.resolve("pyproject.toml"));
            String source = "pyproject.toml [project]";
            if (stated == null) { // no [project] table: setuptools may take them from setup.cfg
                stated = VersionSuffix.backend(projectDir).startsWith("setuptools") ? fromSetupCfg(projectDir) : Optional.empty();
                source = "setup.cfg [metadata]";
            }
            if (stated.isEmpty()) {
                return Optional.empty();
            }
            String name = stated.get()[0];
            String raw = stated.get()[1] + (versionSuffix == null ? "" : versionSuffix.strip());
            if (!Version.isValid(raw)) {
                return Optional.empty();
            }
            return Optional.of(new StaticVersion(name, ProjectName.of(name).normalized(), Version.parse(raw), source));
        } catch (IOException | RuntimeException | LinkageError e) {
            // Unreadable or unusual: the build decides. (LinkageError: in Jenkins the TOML module runs on
            // the jackson2-api plugin's Jackson; should the two ever disagree, the early check is skipped, not the publish.)
            return Optional.empty();
        }
    }

    // ---- pyproject.toml ----

    private static final TomlMapper TOML = new TomlMapper();

    /**
     * {name, version} of the [project] table; empty when it is there but the version is not static
     * (or the file does not parse); null when there is no pyproject.toml or no [project] table.
     */
    static Optional<String[]> fromPyproject(Path pyproject) throws IOException {
        if (!Files.isRegularFile(pyproject)) {
            return null;
        }
        JsonNode project;
        try {
            project = TOML.readTree(Files.readString(pyproject, StandardCharsets.UTF_8)).get("project");
        } catch (JsonProcessingException e) {
            return Optional.empty(); // does not parse here: let the build report it
        }
        if (project == null) {
            return null;
        }
        JsonNode name = project.get("name");
        JsonNode version = project.get("version");
        JsonNode dynamic = project.get("dynamic");
        boolean dynamicVersion = dynamic != null && dynamic.isArray()
                && java.util.stream.StreamSupport.stream(dynamic.spliterator(), false).anyMatch(d -> "version".equals(d.asText()));
        if (dynamicVersion || name == null || !name.isTextual() || version == null || !version.isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {name.asText(), version.asText()});
    }

    // ---- setup.cfg ----

    /** {name, version} of setup.cfg's [metadata] when the version is a plain value; empty otherwise. */
    static Optional<String[]> fromSetupCfg(Path projectDir) throws IOException {
        Path cfg = projectDir.resolve("setup.cfg");
        if (!Files.isRegularFile(cfg)) {
            return Optional.empty();
        }
        Path setupPy = projectDir.resolve("setup.py");
        if (Files.isRegularFile(setupPy)
                && Files.readString(setupPy, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("version")) {
            return Optional.empty(); // setup(version=...) would win over setup.cfg
        }
        String section = null;
        String lastKey = null;
        String name = null;
        String version = null;
        for (String line : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && lastKey != null) {
                if ("metadata".equals(section) && ("version".equals(lastKey) || "name".equals(lastKey))) {
                    return Optional.empty(); // a value over several lines: not a plain version
                }
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                section = t.substring(1, t.length() - 1).strip();
                lastKey = null;
                continue;
            }
            int eq = t.indexOf('=');
            int colon = t.indexOf(':');
            int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            if (sep <= 0) {
                return Optional.empty();
            }
            lastKey = t.substring(0, sep).strip().toLowerCase(Locale.ROOT);
            String value = t.substring(sep + 1).strip();
            if ("metadata".equals(section)) {
                if ("name".equals(lastKey)) {
                    name = value;
                } else if ("version".equals(lastKey)) {
                    version = value;
                }
            }
        }
        if (name == null || version == null || name.isEmpty() || version.startsWith("attr:") || version.startsWith("file:")) {
            return Optional.empty();
        }
        return Optional.of(new String[] {name, version});
    }
}
