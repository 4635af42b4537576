package io.pypub.core.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.lifecycle.ReleasePromoter;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.release.Stage;
import io.pypub.core.retention.ObjectCollector;
import io.pypub.core.retention.PrunePolicy;
import io.pypub.core.retention.ReleasePruner;
import io.pypub.core.retention.TableBackup;
import io.pypub.core.storage.PublishConflictException;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Randomized operations against the embedded servers: publishes, overwrites, imports, publishes
 * killed at a random step, yanks, pins, promotions, prunes, collections with a short grace
 * period, backups and restores, run in rounds of concurrent operations. After every round the
 * invariant checker must find nothing. The seed is printed; {@code -Dpypub.chaos.seed=S} replays
 * the same operations ({@code -Dpypub.chaos.threads=1} also the same order),
 * {@code -Dpypub.chaos.ops=N} runs longer (default 200).
 */
class StorageChaosTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Stage PROD = Stage.of("prod");
    private static final List<String> PROJECTS = List.of("chaos-a", "chaos-b");
    private static final List<String> VERSIONS = List.of("1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.0.1");
    private static final List<String> VARIANTS = List.of("x", "y", "z");
    /** Longer than one round's operations here, so the collector also races publishes; real deployments use hours. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private static final AtomicInteger COLLECTED = new AtomicInteger();
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void randomOperationsNeverBreakTheStorageContract() throws Exception {
        long seed = Long.getLong("pypub.chaos.seed", System.nanoTime());
        int ops = Integer.getInteger("pypub.chaos.ops", 200);
        int threads = Integer.getInteger("pypub.chaos.threads", 4);
        System.out.println("[chaos] seed " + seed + ", " + ops + " operations, " + threads + " threads "
                + "(replay: -Dpypub.chaos.seed=" + seed + " -Dpypub.chaos.ops=" + ops + ")");
        long started = System.nanoTime();
        Random random = new Random(seed);
        Map<String, AtomicInteger> counts = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        List<String> backups = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Deployment d = env.newDeployment()) {
            StorageFixture f = new StorageFixture(d);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                int done = 0;
                int round = 0;
                while (done < ops) {
                    round++;
                    int size = Math.min(ops - done, threads * 2);
                    List<Runnable> batch = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        batch.add(operation(random, f, d, backups, counts, done + i));
                    }
                    List<Future<?>> futures = new ArrayList<>();
                    for (Runnable r : batch) {
                        futures.add(pool.submit(r));
                    }
                    for (Future<?> fut : futures) {
                        fut.get();
                    }
                    done += size;
                    List<String> found = f.invariants().violations();
                    if (!found.isEmpty()) {
                        violations.add("after round " + round + " (" + done + " operations): " + found);
                        break;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        System.out.println("[chaos] seed " + seed + ": " + ops + " operations in " + seconds + " s, " + violations.size()
                + " violations; " + counts + "; the collector deleted " + COLLECTED.get() + " objects");
        assertThat(violations).as("storage contract violations (seed %d)", seed).isEmpty();
    }

    /** Picks one operation (deterministically from the seed) and returns it ready to run. */
    private Runnable operation(Random random, StorageFixture f, Deployment d, List<String> backups, Map<String, AtomicInteger> counts,
            int n) {
        String project = PROJECTS.get(random.nextInt(PROJECTS.size()));
        String version = VERSIONS.get(random.nextInt(VERSIONS.size()));
        String variant = VARIANTS.get(random.nextInt(VARIANTS.size()));
        int kind = random.nextInt(100);
        int extra = random.nextInt(1000);
        String name;
        Runnable op;
        if (kind < 22) {
            name = "publish";
            op = () -> expectRaces(() -> f.publish(DEV, project, version, variant, false, PublishLog.SILENT));
        } else if (kind < 34) {
            name = "overwrite";
            op = () -> expectRaces(() -> f.publish(DEV, project, version, variant, true, PublishLog.SILENT));
        } else if (kind < 44) {
            name = "import";
            op = () -> f.importFolder(DEV, project, version, variant);
        } else if (kind < 54) {
            name = "killed publish";
            String[] steps = {"Uploaded ", "Recording ", "Recorded "};
            String step = steps[extra % steps.length];
            int skip = step.equals("Uploaded ") ? extra % 2 : 0;
            op = () -> {
                RecordingLog dies = new RecordingLog() {
                    int seen;

                    @Override
                    public void info(String message) {
                        super.info(message);
                        if (message.startsWith(step) && seen++ >= skip) {
                            throw new IllegalStateException("killed");
                        }
                    }
                };
                try {
                    f.publish(DEV, project, version, variant, extra % 3 == 0, dies);
                } catch (IllegalStateException | ReleaseExistsException | PublishConflictException e) {
                    // killed, or lost a race / found it published: all leave the contract intact
                }
            };
        } else if (kind < 62) {
            name = "yank/unyank";
            op = () -> lifecycle(() -> {
                var lc = new ReleaseLifecycle(d.versions());
                if (extra % 2 == 0) {
                    lc.yank(DEV, project, version, "chaos", "chaos");
                } else {
                    lc.unyank(DEV, project, version, "chaos");
                }
            });
        } else if (kind < 68) {
            name = "rollback/unpin";
            op = () -> lifecycle(() -> {
                var lc = new ReleaseLifecycle(d.versions());
                if (extra % 3 != 0) {
                    lc.rollback(DEV, project, version, "chaos", "chaos");
                } else {
                    lc.unpin(DEV, project, "chaos");
                }
            });
        } else if (kind < 76) {
            name = "promote";
            op = () -> lifecycle(() -> ReleasePromoter.on(d.clients()).promote(project, version, DEV, PROD, "chaos", PublishLog.SILENT));
        } else if (kind < 83) {
            name = "prune";
            op = () -> lifecycle(() -> ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(extra % 3, null), false, "chaos",
                    PublishLog.SILENT));
        } else if (kind < 91) {
            name = "gc";
            op = () -> COLLECTED.addAndGet(ObjectCollector.on(d.clients()).sweep(GRACE, false, List.of(), "chaos", PublishLog.SILENT)
                    .collected().size());
        } else if (kind < 96 || backups.isEmpty()) {
            name = "backup";
            String key = "backups/chaos-" + n + ".jsonl";
            op = () -> {
                new TableBackup(d.clients().dynamo(), d.clients().s3()).export(d.settings().versionTable(), d.settings().bucket(), key,
                        PublishLog.SILENT);
                backups.add(key);
            };
        } else {
            name = "restore";
            op = () -> {
                if (backups.isEmpty()) {
                    return;
                }
                String key = backups.get(extra % backups.size());
                try {
                    lifecycle(() -> new TableBackup(d.clients().dynamo(), d.clients().s3()).restore(d.settings().bucket(), key,
                            d.settings().versionTable(), d.store(), d.store(), false, PublishLog.SILENT));
                } catch (io.pypub.core.storage.StorageException e) {
                    // an object of the backup was collected between the check and the refresh: refused, nothing written
                }
            };
        }
        counts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        return op;
    }

    /** Publishes that lose a race, or find the version there, fail with one of these; nothing else is expected. */
    private static void expectRaces(Runnable r) {
        try {
            r.run();
        } catch (ReleaseExistsException | PublishConflictException e) {
            // the loser changed nothing visible; the invariants check that
        }
    }

    /** Lifecycle operations may be refused by the rules (unknown version, yanking the pin, ...): that is fine here. */
    private static void lifecycle(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // refused by a rule (ReleaseStateException is an IllegalStateException)
        }
    }

}
