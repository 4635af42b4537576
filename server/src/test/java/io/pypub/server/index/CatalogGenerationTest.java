package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.PackageType;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.testing.CountingDynamoProxy;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The catalog over a real (local) DynamoDB: it learns of changes from the stage generation (one small
 * read per stage and interval, whatever the number of projects), re-reads only what changed, in the
 * background, and never makes a request wait for that re-read.
 */
class CatalogGenerationTest {
    private static final Stage DEV = Stage.of("dev");
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void aNewReleaseShowsOnAnotherInstanceWithinAnInterval() throws Exception {
        try (Deployment d = env.newDeployment()) {
            DynamoVersionTable writer = d.versions();
            writer.record(release("alpha", "1.0"), false);
            // Two index instances: two catalogs, each with its own table client, over the same table.
            try (AwsClients second = new AwsClients(d.settings(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("embedded", "embedded-secret")))) {
                List<ReleaseCatalog> instances = List.of(new ReleaseCatalog(d.versions(), INTERVAL),
                        new ReleaseCatalog(new DynamoVersionTable(second.dynamo(), d.settings().versionTable()), INTERVAL));
                for (ReleaseCatalog catalog : instances) {
                    assertThat(catalog.projects(DEV)).extracting(ProjectEntry::name).containsExactly("alpha");
                    assertThat(catalog.releases(DEV, "alpha")).hasSize(1);
                }

                writer.record(release("alpha", "2.0"), false);
                writer.record(release("beta", "0.1"), false);
                long written = System.nanoTime();
                for (ReleaseCatalog catalog : instances) {
                    while (catalog.projects(DEV).size() < 2 || catalog.releases(DEV, "alpha").size() < 2) {
                        // The bound of the staleness contract (an interval, plus the reads), not a speed target.
                        assertThat(Duration.ofNanos(System.nanoTime() - written)).as("time until the new releases show")
                                .isLessThan(INTERVAL.plusSeconds(2));
                        Thread.sleep(20);
                    }
                    assertThat(catalog.projects(DEV)).extracting(ProjectEntry::latestVersion).containsExactly("2.0", "0.1");
                }
            }
        }
    }

    @Test
    void readsPerIntervalAreOneSmallQueryPerStageWhateverTheNumberOfProjects() throws Exception {
        try (Deployment d = env.newDeployment(); CountingDynamoProxy proxy = new CountingDynamoProxy(d);
                AwsClients clients = proxy.clients()) {
            DynamoVersionTable writer = d.versions();
            Stage small = Stage.of("small");
            Stage big = Stage.of("big");
            writer.record(release(small, "p0", "1.0"), false);
            for (int i = 0; i < 60; i++) {
                writer.record(release(big, "p" + i, "1.0"), false);
            }
            ReleaseCatalog catalog = new ReleaseCatalog(new DynamoVersionTable(clients.dynamo(), d.settings().versionTable()), INTERVAL);
            for (Stage stage : List.of(small, big)) { // every page read once, so all are cached
                for (ProjectEntry p : catalog.projects(stage)) {
                    catalog.releases(stage, p.name());
                    catalog.latest(stage, p.name());
                }
            }
            proxy.requests.clear();
            long start = System.nanoTime();
            while (System.nanoTime() - start < INTERVAL.multipliedBy(5).toNanos()) { // a busy index: every page, all the time
                for (Stage stage : List.of(small, big)) {
                    for (ProjectEntry p : catalog.projects(stage)) {
                        assertThat(catalog.releases(stage, p.name())).hasSize(1);
                        assertThat(catalog.latest(stage, p.name())).isPresent();
                    }
                }
            }
            Thread.sleep(100); // let a check that started last finish before counting
            List<String> requests = List.copyOf(proxy.requests);
            // At most one check per interval, counted over the whole time including the sleep, plus one that may have
            // been in flight when the counter was cleared. Without generations it would be 120 reads per interval.
            long intervals = (System.nanoTime() - start) / INTERVAL.toNanos() + 2;
            assertThat(requests).as("only the stages' generations were read").allMatch(r -> r.contains(StorageLayout.GENERATION_PK));
            for (Stage stage : List.of(small, big)) {
                assertThat(requests.stream().filter(r -> r.contains("\"" + stage.name() + "#\"")).count())
                        .as("generation reads of stage %s in %d intervals", stage, intervals)
                        .isBetween(1L, intervals);
            }
        }
    }

    @Test
    void requestsGetThePreviousListWhileTheListIsReRead() throws Exception {
        try (Deployment d = env.newDeployment(); CountingDynamoProxy proxy = new CountingDynamoProxy(d);
                AwsClients clients = proxy.clients()) {
            DynamoVersionTable writer = d.versions();
            writer.record(release("alpha", "1.0"), false);
            // A stale limit far beyond the test, so that only a refresh under way could make a request wait.
            ReleaseCatalog catalog = new ReleaseCatalog(new DynamoVersionTable(clients.dynamo(), d.settings().versionTable()),
                    Duration.ofMillis(500), Duration.ofMinutes(10), Duration.ofMinutes(10));
            List<ProjectEntry> before = catalog.projects(DEV);
            List<Release> releasesBefore = catalog.releases(DEV, "alpha");

            CountDownLatch release = proxy.hold(r -> r.startsWith("Query ") && !r.contains(StorageLayout.GENERATION_PK));
            ExecutorService requests = Executors.newSingleThreadExecutor();
            // A busy index: requests keep coming while the release is recorded (after a pause, a request would wait).
            var write = java.util.concurrent.CompletableFuture.runAsync(() -> writer.record(release("alpha", "2.0"), false));
            try {
                // Requests go on until the catalog has noticed the change and its re-reads are stuck in the proxy.
                while (proxy.held.get() < 2) {
                    assertThat(requests.submit(() -> catalog.projects(DEV)).get(30, TimeUnit.SECONDS)).isSameAs(before);
                    assertThat(requests.submit(() -> catalog.releases(DEV, "alpha")).get(30, TimeUnit.SECONDS)).isSameAs(releasesBefore);
                    Thread.sleep(20);
                }
                for (int i = 0; i < 20; i++) { // while both re-reads are held, every request completes with the previous data
                    assertThat(requests.submit(() -> catalog.projects(DEV)).get(30, TimeUnit.SECONDS)).isSameAs(before);
                    assertThat(requests.submit(() -> catalog.releases(DEV, "alpha")).get(30, TimeUnit.SECONDS)).isSameAs(releasesBefore);
                }
                assertThat(proxy.held).as("the re-reads are still held").hasValue(2);
                assertThat(write).isDone();
            } finally {
                release.countDown();
                requests.shutdownNow();
            }
            while (catalog.releases(DEV, "alpha").size() < 2 || !"2.0".equals(catalog.projects(DEV).get(0).latestVersion())) {
                Thread.sleep(20); // the held re-reads complete and are served from then on
            }
        }
    }

    @Test
    void dataNobodyAskedForInAWhileIsReReadBeforeItIsServed() throws Exception {
        try (Deployment d = env.newDeployment()) {
            DynamoVersionTable writer = d.versions();
            writer.record(release("alpha", "1.0"), false);
            Duration staleLimit = Duration.ofMillis(300);
            // As a Lambda instance frozen between invocations, or an index nobody asked in a while.
            ReleaseCatalog catalog = new ReleaseCatalog(d.versions(), Duration.ofMillis(50), staleLimit, Duration.ofMinutes(10));
            assertThat(catalog.releases(DEV, "alpha")).hasSize(1);
            assertThat(catalog.projects(DEV)).extracting(ProjectEntry::latestVersion).containsExactly("1.0");
            Thread.sleep(staleLimit.toMillis() * 2);
            writer.record(release("alpha", "2.0"), false);
            assertThat(catalog.releases(DEV, "alpha")).as("the first request after the pause").hasSize(2);
            assertThat(catalog.projects(DEV)).extracting(ProjectEntry::latestVersion).containsExactly("2.0");
        }
    }

    private static Release release(String project, String version) {
        return release(DEV, project, version);
    }

    private static Release release(Stage stage, String project, String version) {
        Version v = Version.parse(version);
        String sdist = project + "-" + v.normalized() + ".tar.gz";
        return new Release(stage, project, project, v, List.of(new ReleaseFile(sdist,
                new StorageLayout("").fileKey(stage, project, v, sdist), "a".repeat(64), 100, null, Instant.now(), null,
                PackageType.SDIST)), null, false, null, "test", null, "A summary", Instant.now());
    }
}
