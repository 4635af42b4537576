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
    /** A read (done or under way) and, while it is under way, the previous read's entry. */
    private record Entry<T>(CompletableFuture<T> value, long expiresAtNanos, Entry<T> previous) {}

    private final VersionTable table;
    private final long ttlNanos;
    private final Map<String, Entry<List<ProjectEntry>>> projects = new ConcurrentHashMap<>();
    private final Map<String, Entry<List<Release>>> releases = new ConcurrentHashMap<>();
    private final Map<String, Entry<Optional<LatestPointer>>> latest = new ConcurrentHashMap<>();

    private final Map<String, Entry<Optional<Stage>>> promotedFrom = new ConcurrentHashMap<>();

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

    /** The stage a release was promoted from (its {@code promoted_from}), for version pages only. */
    public Optional<Stage> promotedFrom(Stage stage, String project, io.pypub.core.version.Version version) {
        return cached(promotedFrom, stage.name() + "#" + project + "#" + version.normalized(),
                () -> table.promotedFrom(stage, project, version));
    }

    public Optional<LatestPointer> latest(Stage stage, String project) {
        return cached(latest, stage.name() + "#" + project, () -> table.latest(stage, project));
    }

    /**
     * One read per key at a time. A request that finds the entry expired starts a new read and
     * waits for it; requests arriving while that read is under way get the previous data if it
     * expired less than half a TTL ago, and otherwise wait for the read too. So every instance
     * reads the table at most once per TTL per key, only one request per key and TTL waits for
     * DynamoDB, and nothing served comes from a read that started more than 1.5 TTL earlier; a
     * new release shows as soon as the first read after the expiry completes, as without the
     * previous data. (Letting every request in flight read at expiry made the reads outlast the
     * TTL under load, so that results were already expired when stored and the cache stopped
     * working.)
     */
    private <T> T cached(Map<String, Entry<T>> map, String key, Supplier<T> load) {
        if (ttlNanos <= 0) {
            return load.get();
        }
        while (true) {
            long now = System.nanoTime();
            Entry<T> current = map.get(key);
            if (current != null && !current.value().isDone()) {
                Entry<T> previous = current.previous();
                if (previous != null && now - (previous.expiresAtNanos() + ttlNanos / 2) < 0) {
                    return previous.value().join(); // a read is under way and the previous one is recent enough
                }
                return await(current.value());
            }
            if (current != null && now - current.expiresAtNanos() < 0) {
                return await(current.value());
            }
            if (current == null && map.size() > 10_000) {
                map.clear(); // bounded memory: unknown names must not grow the cache forever
            }
            // Only successful reads stay in the map, so current (if any) is a completed one.
            Entry<T> previous = current == null ? null : new Entry<>(current.value(), current.expiresAtNanos(), null);
            Entry<T> mine = new Entry<>(new CompletableFuture<>(), now + ttlNanos, previous);
            if (current == null ? map.putIfAbsent(key, mine) != null : !map.replace(key, current, mine)) {
                continue; // another request started a read first
            }
            try {
                T value = load.get();
                mine.value().complete(value);
                map.replace(key, mine, new Entry<>(mine.value(), mine.expiresAtNanos(), null)); // let the previous data go
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
