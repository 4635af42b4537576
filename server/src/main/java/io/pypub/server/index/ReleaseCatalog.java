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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Read-through cache of the version table for the index. Entries live for a short time (1 s by
 * default), which bounds how stale any instance can be after a publish without coordination
 * between instances, while a busy index still reads DynamoDB at most once a second per page.
 */
public final class ReleaseCatalog {
    private record Entry<T>(T value, long expiresAtNanos) {}

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

    private <T> T cached(Map<String, Entry<T>> map, String key, Supplier<T> load) {
        long now = System.nanoTime();
        Entry<T> e = map.get(key);
        if (e != null && now - e.expiresAtNanos() < 0) {
            return e.value();
        }
        T value = load.get();
        if (ttlNanos > 0) {
            if (map.size() > 10_000) {
                map.clear(); // bounded memory: unknown names must not grow the cache forever
            }
            map.put(key, new Entry<>(value, now + ttlNanos));
        }
        return value;
    }
}
