package io.pypub.core.docs;

import io.pypub.core.error.PublishException;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.python.CommandRunner;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.VersionTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pdoc imports the package it documents, so the package's dependencies must be importable. Rather
 * than asking every Jenkins agent to have them installed, the wheel is installed with its
 * dependencies into a throwaway folder ({@code pip install --target}) put on pdoc's PYTHONPATH,
 * resolved from the stage being published to (through a {@link StageWheelhouse} on loopback, with
 * the publisher's own AWS access). pip's own cache makes the next build on the same agent fast; the
 * build timeout bounds it. A dependency that cannot be resolved fails the docs, before anything is
 * uploaded, with pip's resolver message and the command that reproduces it.
 */
public final class DocsDependencies {
    private final VersionTable versions;
    private final ArtifactStore store;
    private final Stage stage;
    private final String reproduceIndexUrl;

    /**
     * @param reproduceIndexUrl the stage's simple index as users know it (for the command in an error),
     *     e.g. {@code https://pypi.example.com/dev/simple/}
     */
    public DocsDependencies(VersionTable versions, ArtifactStore store, Stage stage, String reproduceIndexUrl) {
        this.versions = versions;
        this.store = store;
        this.stage = stage;
        this.reproduceIndexUrl = reproduceIndexUrl;
    }

    /** Whether the wheel's metadata declares dependencies that a plain install would pull in (not extras). */
    public static boolean needed(List<String> requiresDist) {
        return requiresDist.stream().anyMatch(r -> !r.replace(" ", "").contains("extra=="));
    }

    /** Installs {@code wheel} and its dependencies into {@code target} with {@code python}'s pip. */
    void install(CommandRunner runner, String python, Path wheel, Path target, Duration timeout, PublishLog log) {
        try (StageWheelhouse house = new StageWheelhouse(versions, store, stage)) {
            List<String> cmd = new ArrayList<>(List.of(python, "-m", "pip", "install", "--target", target.toString(),
                    "--index-url", house.indexUrl(), "--no-input", "--disable-pip-version-check", "--progress-bar", "off",
                    wheel.toString()));
            log.info("Installing " + wheel.getFileName() + " with its dependencies from stage '" + stage + "' for pdoc.");
            CommandRunner.CommandResult result;
            try {
                result = runner.run(cmd, target.getParent(), Map.of("PYTHONUNBUFFERED", "1"), timeout, log::tool);
            } catch (UncheckedIOException e) {
                throw new PublishException("Cannot start the Python interpreter '" + python + "' to install the docs' "
                        + "dependencies: " + e.getMessage(), e);
            }
            String reproduce = python + " -m pip install --index-url " + reproduceIndexUrl + " " + wheel.getFileName();
            if (result.timedOut()) {
                throw new PublishException("Installing the package's dependencies for pdoc did not finish within "
                        + timeout.toSeconds() + " seconds. To reproduce: " + reproduce);
            }
            if (!result.ok()) {
                String tail = result.tailText();
                String hint = tail.contains("No module named pip")
                        ? "pip is not installed for " + python + "."
                        : "pip could not install the package's dependencies from stage '" + stage + "' (pdoc imports the "
                                + "package, so they must be installable; publish them to this stage first).";
                throw new PublishException("No docs: " + hint + "\n" + tail.strip() + "\nTo reproduce: " + reproduce
                        + "\nOr bring an interpreter that has them: --docs-python (docsPython in Jenkins).");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve stage '" + stage + "' to pip for the docs: " + e.getMessage(), e);
        }
    }
}
