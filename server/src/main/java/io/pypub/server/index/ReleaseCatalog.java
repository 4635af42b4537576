package io.pypub.server.index;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.StageGeneration;
import io.pypub.core.storage.VersionTable;
import io.pypub.core.util.DaemonThreads;
import io.pypub.core.version.Version;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version table as the index reads it, re-read only when the stage's {@link StageGeneration}
 * says it changed. Each stage's generation (one small query, whatever the number of projects) is
 * read at most once per interval, in the background; an entry whose generation moved (the stage's
 * total for the project list, the project's shard for a project's records) is re-read in the
 * background while requests keep getting the previous data. Requests wait only for the first read
 * of an entry, after a pause (nobody asked the stage for more than an interval: an idle instance, a
 * thawed Lambda; then the check and the re-read of what changed come first, as a fresh read would),
 * and for the re-read of an entry that nobody asked for since longer than the stale limit. A changed project list therefore costs one list read per instance, not one per
 * second, and no request queues behind it.
 */
public final class ReleaseCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseCatalog.class);
    private static final int MAX_ENTRIES = 10_000;

    private final VersionTable table;
    private final long intervalNanos;
    private final long staleLimitNanos;
    private final long maxAgeNanos;
    private final ThreadPoolExecutor refresher;
    private final Map<String, StageView> stages = new ConcurrentHashMap<>();
    private final Map<String, Entry<List<ProjectEntry>>> projects = new ConcurrentHashMap<>();
    private final Map<String, Entry<List<Release>>> releases = new ConcurrentHashMap<>();
    private final Map<String, Entry<Optional<LatestPointer>>> latest = new ConcurrentHashMap<>();
    private final Map<String, Entry<Optional<Stage>>> promotedFrom = new ConcurrentHashMap<>();
    private final Map<String, ProjectNames> projectNames = new ConcurrentHashMap<>();

    /**
     * @param interval how often a stage's generation is read (0: no caching at all); data may be 10
     *     intervals old before a request waits for a fresh read, and is re-read after 300 intervals even
     *     when the generation did not move (writers from before generations do not bump it)
     */
    public ReleaseCatalog(VersionTable table, Duration interval) {
        this(table, interval, interval.multipliedBy(10), interval.multipliedBy(300));
    }

    ReleaseCatalog(VersionTable table, Duration interval, Duration staleLimit, Duration maxAge) {
        this.table = table;
        this.intervalNanos = interval.toNanos();
        this.staleLimitNanos = staleLimit.toNanos();
        this.maxAgeNanos = maxAge.toNanos();
        // Few threads: a refresh is one table read, and each entry has at most one under way.
        this.refresher = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("catalog-refresh"));
        refresher.allowCoreThreadTimeOut(true);
    }

    public List<ProjectEntry> projects(Stage stage) {
        return cached(projects, stage.name(), stage, null, () -> table.projects(stage));
    }

    /**
     * Whether the stage's project list names {@code project} (normalized). Upstream requests ask this every time, so
     * the names are a set kept with the list they came from, not a scan of 10,000 entries per request.
     */
    public boolean listsProject(Stage stage, String project) {
        List<ProjectEntry> list = projects(stage);
        ProjectNames names = projectNames.get(stage.name());
        if (names == null || names.list() != list) {
            names = new ProjectNames(list, list.stream().map(ProjectEntry::name).collect(Collectors.toUnmodifiableSet()));
            if (projectNames.size() > MAX_ENTRIES) {
                projectNames.clear();
            }
            projectNames.put(stage.name(), names);
        }
        return names.names().contains(project);
    }

    /** A project list as read, and its names. */
    private record ProjectNames(List<ProjectEntry> list, Set<String> names) {}

    /** All releases of a project; empty when the project does not exist in that stage. */
    public List<Release> releases(Stage stage, String project) {
        return cached(releases, stage.name() + "#" + project, stage, project, () -> table.releases(stage, project));
    }

    /**
     * Whether {@link #releases} (not empty) and {@link #latest} of a project would answer from memory, without a read
     * or a wait for one: both read before, the stage asked for within the last half interval (so no request waits for a
     * check after a pause), nothing known to have changed, and the project asked for recently enough that a change the
     * next check finds would still be re-read in the background. The index serves such requests on the thread that read
     * them; a false answer only costs a hand-off to another thread.
     */
    public boolean holdsReleases(Stage stage, String project) {
        if (intervalNanos <= 0) {
            return false;
        }
        StageView view = stages.get(stage.name());
        Checked checked = view == null ? null : view.checked;
        long now = System.nanoTime();
        if (checked == null || now - view.lastAskedAt > intervalNanos / 2) {
            return false;
        }
        String key = stage.name() + "#" + project;
        Snapshot<List<Release>> held = current(releases.get(key), checked, project, now);
        return held != null && !held.value().isEmpty() && current(latest.get(key), checked, project, now) != null;
    }

    /** The entry's snapshot if requests get it without waiting (see {@link #holdsReleases}), else null. */
    private <T> Snapshot<T> current(Entry<T> entry, Checked checked, String project, long now) {
        Snapshot<T> snapshot = entry == null ? null : entry.current;
        return snapshot != null && snapshot.stamp() == stamp(checked.generation(), project)
                && now - entry.confirmedAt < staleLimitNanos / 2 ? snapshot : null;
    }

    /** The stage a release was promoted from (its {@code promoted_from}), for version pages only. */
    public Optional<Stage> promotedFrom(Stage stage, String project, Version version) {
        return cached(promotedFrom, stage.name() + "#" + project + "#" + version.normalized(), stage, project,
                () -> table.promotedFrom(stage, project, version));
    }

    public Optional<LatestPointer> latest(Stage stage, String project) {
        return cached(latest, stage.name() + "#" + project, stage, project, () -> table.latest(stage, project));
    }

    private <T> T cached(Map<String, Entry<T>> map, String key, Stage stage, String project, Supplier<T> load) {
        if (intervalNanos <= 0) {
            return load.get();
        }
        if (stages.size() > MAX_ENTRIES && !stages.containsKey(stage.name())) {
            stages.clear();
        }
        StageView view = stages.computeIfAbsent(stage.name(), n -> new StageView(stage));
        boolean afterAPause = view.refresh();
        if (map.size() > MAX_ENTRIES && !map.containsKey(key)) {
            map.clear(); // bounded memory: unknown names must not grow the cache forever
        }
        Entry<T> entry = map.computeIfAbsent(key, k -> new Entry<>(project, load));
        Snapshot<T> snapshot = entry.current;
        if (snapshot == null) {
            return await(entry.reload(view, false)).value(); // the first read of an entry waits
        }
        long now = System.nanoTime();
        Checked checked = view.checked;
        boolean sameGeneration = snapshot.stamp() == stamp(checked.generation(), project);
        if (sameGeneration) {
            entry.confirmed(checked.at()); // unchanged as of that check
            if (now - snapshot.loadedAt() < maxAgeNanos) {
                return snapshot.value();
            }
        }
        CompletableFuture<Snapshot<T>> reload = entry.reload(view, true);
        if (!sameGeneration && (afterAPause || entry.reloadStartedAt - entry.confirmedAt > staleLimitNanos)) {
            // Changed, and this request just learnt it after a pause, or what we hold was too old already when its
            // re-read began (nobody asked for this entry in a while): wait. A re-read that began on a busy index
            // while the data was recent never holds requests up, however long it takes.
            return await(reload).value();
        }
        return snapshot.value();
    }

    /** What an entry is compared by: the stage's total for the project list, the project's shard otherwise. */
    private static long stamp(StageGeneration generation, String project) {
        return project == null ? generation.total() : generation.of(project);
    }

    /** A stage's generation and when the check that read it started; at most one check under way. */
    private final class StageView {
        private final Stage stage;
        private final AtomicReference<CompletableFuture<Void>> checking = new AtomicReference<>();
        volatile Checked checked;
        /** When a request last asked for this stage (only ever read against the interval). */
        volatile long lastAskedAt = System.nanoTime();

        StageView(Stage stage) {
            this.stage = stage;
        }

        /**
         * Starts a check when the last one is an interval old. Waits for it (and returns true) when it is the
         * first check, or when nobody asked for more than an interval after the last one ended (an idle
         * instance, a thawed Lambda): then what changed meanwhile is learnt before answering. On a busy
         * index checks start on time and nobody waits for them, even when one is slow.
         */
        boolean refresh() {
            long now = System.nanoTime();
            long previousAsk = lastAskedAt;
            lastAskedAt = now;
            Checked last = checked;
            if (last == null) {
                await(check(false));
                return true;
            }
            if (now - last.at() < intervalNanos) {
                return false;
            }
            CompletableFuture<Void> check = check(true);
            // A pause is measured from the previous request, not from the last check: checks start only when a
            // request comes, so on a busy index one starts a little after it is due, and that is not a pause.
            if (now - previousAsk > intervalNanos) {
                await(check);
                return true;
            }
            return false;
        }

        CompletableFuture<Void> check(boolean background) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> running = checking.compareAndExchange(null, mine);
            if (running != null) {
                return running;
            }
            Runnable task = () -> {
                try {
                    long start = System.nanoTime();
                    StageGeneration generation = table.generation(stage);
                    checked = new Checked(generation, start);
                    checking.set(null);
                    mine.complete(null);
                } catch (RuntimeException | Error e) {
                    checking.set(null); // the next request tries again
                    if (background) {
                        LOG.warn("Checking stage '{}' for changes failed, serving what was read before: {}", stage, e.toString());
                    }
                    mine.completeExceptionally(e);
                }
            };
            run(task, background);
            return mine;
        }
    }

    /** A stage's generation and when the check that read it started. */
    private record Checked(StageGeneration generation, long at) {}

    /** One read of an entry: its value, the generation stamp it was read under, and when the read started. */
    private record Snapshot<T>(T value, long stamp, long loadedAt) {}

    /** A cached entry: the latest snapshot, and the read under way (at most one). */
    private final class Entry<T> {
        private final String project;
        private final Supplier<T> load;
        private final AtomicReference<CompletableFuture<Snapshot<T>>> loading = new AtomicReference<>();
        volatile Snapshot<T> current;
        /** The start of the latest check (or read) at which the current snapshot was known to be current. */
        volatile long confirmedAt;
        /** When the latest re-read began. */
        volatile long reloadStartedAt;

        Entry(String project, Supplier<T> load) {
            this.project = project;
            this.load = load;
        }

        void confirmed(long at) {
            if (at - confirmedAt > 0) {
                confirmedAt = at;
            }
        }

        CompletableFuture<Snapshot<T>> reload(StageView view, boolean background) {
            CompletableFuture<Snapshot<T>> mine = new CompletableFuture<>();
            CompletableFuture<Snapshot<T>> running = loading.compareAndExchange(null, mine);
            if (running != null) {
                return running;
            }
            reloadStartedAt = System.nanoTime();
            Runnable read = () -> {
                try {
                    long start = System.nanoTime();
                    // The stamp is taken before the read: a change during the read shows as a move at the next check.
                    long stamp = stamp(view.checked.generation(), project);
                    Snapshot<T> snapshot = new Snapshot<>(load.get(), stamp, start);
                    if (current == null) {
                        confirmedAt = start;
                    } else {
                        confirmed(start);
                    }
                    current = snapshot;
                    loading.set(null);
                    mine.complete(snapshot);
                } catch (RuntimeException | Error e) {
                    loading.set(null); // the previous snapshot stays; the next request tries again
                    if (background) {
                        LOG.warn("Re-reading the catalog failed, serving what was read before: {}", e.toString());
                    }
                    mine.completeExceptionally(e);
                }
            };
            run(read, background);
            return mine;
        }
    }

    private void run(Runnable read, boolean background) {
        if (background) {
            refresher.execute(read);
        } else {
            read.run();
        }
    }

    private static <T> T await(CompletableFuture<T> value) {
        try {
            return value.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // e.g. StorageException, which the index answers with 503
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
