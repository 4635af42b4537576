package io.pypub.core.docs;

import io.pypub.core.error.PublishException;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.util.FileTrees;
import io.pypub.core.python.CommandRunner;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a wheel's API docs with pdoc ({@code python -m pdoc -o OUT MODULES...}). pdoc imports
 * the code it documents; rather than installing the wheel into the agent's interpreter we unpack
 * it into a temporary folder and put that first on PYTHONPATH, so the docs show exactly what was
 * built (not a stale installed copy or the source tree) and the interpreter is left untouched.
 */
public final class DocsGenerator {
    public static final String PDOC_REQUIREMENT = "pdoc==16.0.0";

    private final CommandRunner runner;
    private final WheelExtractor extractor;

    public DocsGenerator(CommandRunner runner) {
        this(runner, new WheelExtractor());
    }

    public DocsGenerator(CommandRunner runner, WheelExtractor extractor) {
        this.runner = runner;
        this.extractor = extractor;
    }

    /**
     * Documents {@code wheel} into {@code outDir}, which must be missing or empty: everything in it
     * is uploaded afterwards, so leftovers of an earlier run would be published too.
     *
     * @param modules the modules to document; null or empty detects them from the wheel ({@link DocsModules})
     */
    public GeneratedDocs generate(Path wheel, List<String> modules, Path outDir, String python, Duration timeout,
            PublishLog log) {
        return generate(wheel, modules, outDir, python, timeout, log, null);
    }

    /**
     * As above; with {@code dependencies}, the wheel and its dependencies are first installed into a
     * throwaway folder that pdoc also sees ({@link DocsDependencies}).
     */
    public GeneratedDocs generate(Path wheel, List<String> modules, Path outDir, String python, Duration timeout,
            PublishLog log, DocsDependencies dependencies) {
        List<String> names = DocsModules.resolve(wheel, modules);
        Path out = outDir.toAbsolutePath().normalize();
        Path work;
        try {
            Files.createDirectories(out);
            try (var listing = Files.list(out)) {
                if (listing.findAny().isPresent()) {
                    throw new PublishException("The docs output folder " + out + " is not empty; use a fresh folder.");
                }
            }
            work = Files.createTempDirectory("pypub-docs-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the docs folders: " + e.getMessage(), e);
        }
        try {
            Path site = Files.createDirectory(work.resolve("site"));
            // pdoc runs in an empty folder: `python -m` puts the working folder first on sys.path,
            // and a checkout there would shadow the unpacked wheel.
            Path cwd = Files.createDirectory(work.resolve("cwd"));
            int unpacked = extractor.extract(wheel, site);
            log.info("Unpacked " + wheel.getFileName() + " (" + unpacked + " files) for pdoc.");
            String pythonPath = pythonPath(site);
            if (dependencies != null) {
                Path deps = Files.createDirectory(work.resolve("deps"));
                dependencies.install(runner, python, wheel, deps, timeout, log);
                pythonPath = pythonPath + File.pathSeparator + deps;
            }
            runPdoc(names, out, python, pythonPath, cwd, timeout, log);
            int files = countFiles(out);
            for (String module : names) {
                if (!Files.isRegularFile(out.resolve(module.replace('.', '/') + ".html"))) {
                    throw new PublishException("pdoc finished but wrote no page for " + module + " in " + out);
                }
            }
            log.info("Generated API docs for " + String.join(", ", names) + ": " + files + " files.");
            return new GeneratedDocs(out, names, files);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the docs build: " + e.getMessage(), e);
        } finally {
            FileTrees.deleteQuietly(work);
        }
    }

    private void runPdoc(List<String> modules, Path out, String python, String pythonPath, Path cwd, Duration timeout,
            PublishLog log) {
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "pdoc", "-o", out.toString()));
        cmd.addAll(modules);
        log.info("Generating API docs: " + String.join(" ", cmd));
        Map<String, String> env = Map.of(
                "PYTHONPATH", pythonPath,
                "PYTHONUNBUFFERED", "1",
                "PYTHONDONTWRITEBYTECODE", "1");
        PdocOutput output = new PdocOutput(log::tool);
        CommandRunner.CommandResult result;
        try {
            result = runner.run(cmd, cwd, env, timeout, output);
        } catch (UncheckedIOException e) {
            throw new PublishException("Cannot start the Python interpreter '" + python + "' for pdoc: " + e.getMessage()
                    + ". Install Python 3 or set the python option to the interpreter to use.", e);
        }
        if (result.timedOut()) {
            throw new PublishException("pdoc did not finish within " + timeout.toSeconds() + " seconds and was stopped. "
                    + "Last lines of its output:\n" + result.tailText());
        }
        if (!result.ok()) {
            throw failure(result, output, python);
        }
        for (String warning : output.warnings()) {
            log.warn("pdoc: " + warning);
        }
    }

    private static PublishException failure(CommandRunner.CommandResult result, PdocOutput output, String python) {
        String tail = "Last lines of pdoc's output:\n" + result.tailText();
        List<String> missing = output.missingModules();
        if (missing.stream().anyMatch(m -> m.equals("pdoc") || m.startsWith("pdoc."))) {
            return new PublishException("pdoc is not installed for " + python + ". Install it with: " + python
                    + " -m pip install " + PDOC_REQUIREMENT);
        }
        if (!missing.isEmpty()) {
            return new PublishException("pdoc could not import module '" + missing.get(0) + "'. pdoc imports the code it "
                    + "documents, so the package's dependencies must be installed for " + python + ".\n" + tail);
        }
        String cause = output.firstException() == null ? "" : ": " + output.firstException();
        return new PublishException("pdoc failed (exit " + result.exitCode() + ")" + cause + "\n" + tail);
    }

    /** The unpacked wheel, plus its {@code *.data/purelib|platlib} folders, which an installer would also put on sys.path. */
    private static String pythonPath(Path site) throws IOException {
        List<String> entries = new ArrayList<>(List.of(site.toString()));
        try (var listing = Files.list(site)) {
            for (Path data : listing.filter(p -> p.getFileName().toString().endsWith(".data")).sorted().toList()) {
                for (String scheme : List.of("purelib", "platlib")) {
                    if (Files.isDirectory(data.resolve(scheme))) {
                        entries.add(data.resolve(scheme).toString());
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static int countFiles(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            return (int) paths.filter(Files::isRegularFile).count();
        }
    }

}
