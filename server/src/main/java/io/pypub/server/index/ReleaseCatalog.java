package io.pypub.server.index;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.VersionTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Read-through cache of the version table for the index. Entries live for a short time (1 s by
 * default), which bounds how stale any instance can be after a publish without coordination
 * between instances, while a busy index still reads DynamoDB at most once a second per page.
 */
public final class ReleaseCatalog {
    private record Entry<T>(CompletableFuture<T> value, long expiresAtNanos) {}

    private final VersionTable table;
    private final long ttlNanos;
    private final Map<String, Entry<List<ProjectEntry>>> projects = new ConcurrentHashMap<>();
    private final Map<String, Entry<List<Release>>> releases = new ConcurrentHashMap<>();
    private final Map<String, Entry<Optional<LatestPointer>>> latest = new ConcurrentHashMap<>();

    public ReleaseCatalog(VersionTable table, Duration ttl) {
        this.table = table;
        this.ttlNanos = ttl.toNanos();
    }

    public List<ProjectEntry> projects(Stage stage) {
        return cached(projects, stage.name(), () -> table.projects(stage));
    }

    /** All releases of a project; empty when the project does not exist in that stage. */
    public List<Release> releases(Stage stage, String project) {
        return cached(releases, stage.name() + "#" + project, () -> table.releases(stage, project));
    }

    public Optional<LatestPointer> latest(Stage stage, String project) {
        return cached(latest, stage.name() + "#" + project, () -> table.latest(stage, project));
    }

    /**
     * One load per key at a time: requests that find an expired entry while another request is
     * already reading it wait for that read instead of starting their own. Without this, every
     * request in flight when an entry expires queries the table at once; under load the queries
     * then take longer than the TTL, each result is already expired when stored, and the cache
     * stops working. An entry expires {@code ttl} after its read started, so nothing served is
     * older than that.
     */
    private <T> T cached(Map<String, Entry<T>> map, String key, Supplier<T> load) {
        if (ttlNanos <= 0) {
            return load.get();
        }
        while (true) {
            long now = System.nanoTime();
            Entry<T> current = map.get(key);
            if (current != null && (!current.value().isDone() || now - current.expiresAtNanos() < 0)) {
                return await(current.value());
            }
            if (current == null && map.size() > 10_000) {
                map.clear(); // bounded memory: unknown names must not grow the cache forever
            }
            Entry<T> mine = new Entry<>(new CompletableFuture<>(), now + ttlNanos);
            if (current == null ? map.putIfAbsent(key, mine) != null : !map.replace(key, current, mine)) {
                continue; // another request started a read first: wait for that one
            }
            try {
                T value = load.get();
                mine.value().complete(value);
                return value;
            } catch (RuntimeException | Error e) {
                map.remove(key, mine); // the next request tries again
                mine.value().completeExceptionally(e);
                throw e;
            }
        }
    }

    private static <T> T await(CompletableFuture<T> value) {
        try {
            return value.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // e.g. StorageException, which the index answers with 503
            }
            throw e;
        }
    }
}
