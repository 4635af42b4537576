package io.pypub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A memory cgroup with a hard limit, made under this process's own cgroup, to run the index server
 * in as a container runtime would: the kernel reclaims page cache at the limit and OOM-kills the
 * process if its own memory does not fit, and the JVM sizes itself from the limit. Needs root and a
 * writable cgroup file system (v1 memory controller or v2 with memory delegated); without them
 * {@link #create} returns empty and the benchmark reports RSS only.
 */
final class MemoryCgroup implements AutoCloseable {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private final Path dir;
    private final boolean v2;
    private final long limitBytes;

    private MemoryCgroup(Path dir, boolean v2, long limitBytes) {
        this.dir = dir;
        this.v2 = v2;
        this.limitBytes = limitBytes;
    }

    /** A new cgroup limited to {@code limitBytes}, or empty (with the reason on stdout) where this machine does not allow one. */
    static Optional<MemoryCgroup> create(String name, long limitBytes) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
                    return Optional.of(make(ROOT.resolve("memory").resolve(relative(f[2])).resolve(name), false, limitBytes));
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::") && Files.isRegularFile(ROOT.resolve("cgroup.controllers"))) {
                    return Optional.of(make(ROOT.resolve(relative(line.substring(3))).resolve(name), true, limitBytes));
                }
            }
            System.out.println("[bench] no memory cgroup controller here: reporting RSS only");
        } catch (IOException | RuntimeException e) {
            System.out.println("[bench] cannot make a memory cgroup (" + e.getMessage() + "): reporting RSS only");
        }
        return Optional.empty();
    }

    private static String relative(String path) {
        return path.replaceFirst("^/+", "");
    }

    private static MemoryCgroup make(Path dir, boolean v2, long limitBytes) throws IOException {
        Files.createDirectories(dir);
        MemoryCgroup group = new MemoryCgroup(dir, v2, limitBytes);
        try {
            Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(limitBytes));
            if (v2) {
                Files.writeString(dir.resolve("memory.swap.max"), "0");
            }
            return group;
        } catch (IOException | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** {@code command}, started inside this cgroup: a shell joins it, then becomes the command (same PID). */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    long limitBytes() {
        return limitBytes;
    }

    String describe() {
        return (v2 ? "cgroup v2 " : "cgroup v1 ") + dir;
    }

    /** The most the cgroup held at once, page cache included (it fills up to the limit; that is the kernel's choice). */
    long peakBytes() {
        return readLong(v2 ? "memory.peak" : "memory.max_usage_in_bytes");
    }

    /** Processes the kernel killed in this cgroup for lack of memory. */
    long oomKills() {
        return keyed(v2 ? "memory.events" : "memory.oom_control", "oom_kill");
    }

    /** Times the limit was reached and the kernel had to reclaim (v1: failcnt; v2: the "max" event). */
    long limitHits() {
        return v2 ? keyed("memory.events", "max") : readLong("memory.failcnt");
    }

    private long readLong(String file) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(file)).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private long keyed(String file, String key) {
        try {
            for (String line : Files.readAllLines(dir.resolve(file))) {
                String[] kv = line.strip().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return 0;
    }

    /** Removes the cgroup; its processes must have exited. */
    @Override
    public void close() {
        for (int i = 0; i < 50 && Files.exists(dir); i++) {
            try {
                Files.delete(dir);
            } catch (IOException stillBusy) {
                Tools.sleep(100);
            }
        }
    }
}
