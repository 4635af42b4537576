package io.pypub.core.publish;

import io.pypub.core.progress.PublishLog;
import io.pypub.core.python.CommandRunner;
import io.pypub.core.python.PackageBuilder;
import io.pypub.core.python.StaticVersion;
import io.pypub.core.python.VersionSuffix;
import io.pypub.core.util.DaemonThreads;
import io.pypub.core.util.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The build of a publish, running on its own thread from {@link #start} on, so that what a publish needs before
 * uploading (the AWS clients, the check that the version is new) is done while Python builds instead of before:
 * the build takes seconds, the rest a few hundred milliseconds. Its log is held until the publish goes ahead
 * ({@link HeldLog}), so a refused publish prints the refusal alone, as it did. Nothing here touches storage. {@link #close} stops a
 * build still running (and its process) and deletes its files; {@link PublishPipeline#publish(PublishRequest,
 * PublishBuild, PublishLog)} stops it before it refuses a version already published.
 */
public final class PublishBuild implements AutoCloseable {
    private final Optional<StaticVersion> declared;
    private final Path outDir;
    private final HeldLog log;
    private final FutureTask<List<Path>> files;
    private final Thread thread;
    private VersionSuffix suffix; // undone by the thread that waits for the build, never by the (interruptible) build thread

    private PublishBuild(Optional<StaticVersion> declared, Path outDir, HeldLog log, VersionSuffix suffix, FutureTask<List<Path>> files) {
        this.declared = declared;
        this.outDir = outDir;
        this.log = log;
        this.suffix = suffix;
        this.files = files;
        this.thread = DaemonThreads.named("pypub build").newThread(files);
    }

    /** Starts building {@code request}'s project (sdist and, if asked, wheel) into a new temporary folder. */
    public static PublishBuild start(PublishRequest request, CommandRunner runner, PublishLog log) {
        return start(request, new PackageBuilder(runner), log);
    }

    static PublishBuild start(PublishRequest request, PackageBuilder builder, PublishLog log) {
        Path projectDir = request.projectDir().toAbsolutePath().normalize();
        // Read before a version suffix is written into the project files (the suffix is applied to what is read).
        Optional<StaticVersion> declared = StaticVersion.read(projectDir, request.versionSuffix());
        Path outDir;
        try {
            outDir = Files.createTempDirectory("pypub-dist-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary build folder: " + e.getMessage(), e);
        }
        HeldLog held = new HeldLog(log);
        // The suffix is written here, not on the build thread: an interrupt (stopping the build) would cut a file
        // write there short. A refusal of it is the build's failure, reported after the check of the version, as before.
        VersionSuffix suffix = null;
        RuntimeException refused = null;
        try {
            suffix = request.versionSuffix() == null ? null : VersionSuffix.apply(projectDir, request.versionSuffix(), held);
        } catch (RuntimeException e) {
            refused = e;
        }
        RuntimeException failure = refused;
        PublishBuild build = new PublishBuild(declared, outDir, held, suffix, new FutureTask<>(() -> {
            if (failure != null) {
                throw failure;
            }
            return builder.build(projectDir, outDir.resolve("dist"), request.python(), request.wheel(), request.buildIsolation(),
                    request.buildTimeout(), held);
        }));
        build.thread.start();
        return build;
    }

    /** The project's name and version as its files state them statically (pyproject.toml, setup.cfg), if they do. */
    public Optional<StaticVersion> declared() {
        return declared;
    }

    /** The temporary folder the build writes into (its {@code dist/}); other steps of the publish may use it too. */
    Path outDir() {
        return outDir;
    }

    /**
     * The publish goes ahead: shows the build's log from its start, waits for the build and undoes a version suffix;
     * a failure is thrown as the build threw it.
     */
    List<Path> files() {
        log.release();
        try {
            return files.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (CancellationException e) {
            throw new IllegalStateException("The build was stopped", e);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the build", e);
        } finally {
            undoSuffix();
        }
    }

    /**
     * Stops the build if it still runs (the runner ends its process), waits until it has, and undoes a version
     * suffix; what it logged is dropped unless {@link #files} showed it.
     */
    void stop() {
        log.discard();
        files.cancel(true);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            undoSuffix();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void undoSuffix() {
        if (thread.isAlive()) {
            return; // files() was interrupted; stop() undoes it once the build has ended
        }
        VersionSuffix s = suffix;
        suffix = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            FileTrees.deleteQuietly(outDir);
        }
    }
}
