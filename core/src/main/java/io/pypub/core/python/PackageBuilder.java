package io.pypub.core.python;

import io.pypub.core.error.PublishException;
import io.pypub.core.progress.PublishLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a project's distributions with {@code python -m build} into an empty output folder. */
public final class PackageBuilder {
    public static final String BUILD_REQUIREMENT = "build==1.6.1";

    private final CommandRunner runner;

    public PackageBuilder(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * Builds the sdist (and, if asked, the wheel from that sdist, which proves the sdist is
     * complete) and returns the files produced.
     */
    public List<Path> build(Path projectDir, Path outDir, String python, boolean wheel, boolean isolation,
            Duration timeout, PublishLog log) {
        if (!Files.isRegularFile(projectDir.resolve("pyproject.toml")) && !Files.isRegularFile(projectDir.resolve("setup.py"))) {
            throw new PublishException("No pyproject.toml or setup.py in " + projectDir
                    + ": point the publish at the folder of the Python project.");
        }
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "build", "--outdir", outDir.toString()));
        if (!wheel) {
            cmd.add("--sdist");
        }
        if (!isolation) {
            cmd.add("--no-isolation");
        }
        cmd.add(projectDir.toString());
        log.info("Building " + (wheel ? "sdist and wheel" : "sdist") + ": " + String.join(" ", cmd));
        CommandRunner.CommandResult result;
        try {
            result = runner.run(cmd, projectDir, Map.of("PYTHONUNBUFFERED", "1"), timeout, log::tool);
        } catch (UncheckedIOException e) {
            throw new PublishException("Cannot start the Python interpreter '" + python + "': " + e.getMessage()
                    + ". Install Python 3 or set the python option to the interpreter to use.", e);
        }
        if (result.timedOut()) {
            throw new PublishException("The build did not finish within " + timeout.toMinutes() + " minutes and was stopped.\n"
                    + result.tailText());
        }
        if (!result.ok()) {
            String tail = result.tailText();
            if (tail.contains("No module named build")) {
                throw new PublishException("The 'build' package is not installed for " + python
                        + ". Install it with: " + python + " -m pip install " + BUILD_REQUIREMENT);
            }
            throw new PublishException("The build failed (exit " + result.exitCode() + "). Last lines of its output:\n" + tail);
        }
        List<Path> files = new ArrayList<>();
        try (var listing = Files.list(outDir)) {
            listing.filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new PublishException("The build succeeded but wrote no files to " + outDir);
        }
        return files;
    }
}
