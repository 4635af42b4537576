package io.pypub.server.access;

import io.pypub.core.util.DaemonThreads;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@code pypub serve} writes its audit lines: a file (appended to) or stdout, through a 64 KB
 * buffer that is written out when full and at least every {@link #FLUSH_INTERVAL}, and on close.
 * One write(2) per request cost the index about a tenth of its simple-page rate; a line now reaches
 * the file within a second, and a crash (or OOM kill) can lose that last second.
 */
final class AuditSink implements AutoCloseable {
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AuditSink.class);
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long ERROR_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String target;
    private final OutputStream out;
    private final boolean closeTarget;
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService flusher;
    private long lastErrorReport = System.nanoTime() - ERROR_REPORT_NANOS;
    private boolean closed;

    private AuditSink(String target, OutputStream raw, boolean closeTarget) {
        this.target = target;
        this.out = new BufferedOutputStream(raw, BUFFER_BYTES);
        this.closeTarget = closeTarget;
        this.flusher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("audit-flush"));
        long every = FLUSH_INTERVAL.toMillis();
        flusher.scheduleWithFixedDelay(this::flush, every, every, TimeUnit.MILLISECONDS);
    }

    /** Appends to {@code file}, creating it (and its folder) if needed. */
    static AuditSink file(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new AuditSink(file.toString(), new FileOutputStream(file.toFile(), true), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Standard output, where a container's log collector picks the lines up. */
    static AuditSink stdout() {
        return new AuditSink("stdout", new FileOutputStream(FileDescriptor.out), false);
    }

    void write(String line) {
        write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** One whole line, UTF-8, ending in a newline. */
    void write(byte[] line) {
        write(line, 0, line.length);
    }

    /** One whole line, UTF-8, ending in a newline: {@code length} bytes of {@code bytes} from {@code offset}, copied before this returns. */
    void write(byte[] bytes, int offset, int length) {
        lock.lock();
        try {
            if (closed) {
                LOG.warn("Audit line after the audit log was closed: {}", new String(bytes, offset, length, StandardCharsets.UTF_8).strip());
                return;
            }
            out.write(bytes, offset, length);
        } catch (IOException e) {
            reportFailure(e);
        } finally {
            lock.unlock();
        }
    }

    void flush() {
        lock.lock();
        try {
            if (!closed) {
                out.flush();
            }
        } catch (IOException e) {
            reportFailure(e);
        } finally {
            lock.unlock();
        }
    }

    /** Writes out what is buffered and stops; later lines go to the operational log as warnings. */
    @Override
    public void close() {
        flusher.shutdownNow();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            out.flush();
            if (closeTarget) {
                out.close();
            }
        } catch (IOException e) {
            reportFailure(e);
        } finally {
            closed = true;
            lock.unlock();
        }
    }

    /** Called under the lock: lines are being lost, which an operator must hear about, but not once per request. */
    private void reportFailure(IOException e) {
        long now = System.nanoTime();
        if (now - lastErrorReport >= ERROR_REPORT_NANOS) {
            lastErrorReport = now;
            LOG.error("Writing the audit log to {} failed; audit lines are being lost: {}", target, e.getMessage());
        }
    }
}
