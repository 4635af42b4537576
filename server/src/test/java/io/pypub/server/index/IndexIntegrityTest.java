package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.integrity.StorageInvariants;
import io.pypub.core.integrity.TinyDists;
import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.publish.PublishLog;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.Stage;
import io.pypub.core.retention.ObjectCollector;
import io.pypub.core.retention.PrunePolicy;
import io.pypub.core.retention.ReleasePruner;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.PublishConflictException;
import io.pypub.core.storage.ReleaseExistsException;
import io.pypub.core.testing.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The index's view while the storage changes under it: a client reads the JSON pages and downloads
 * every listed file and `.metadata` through the index, again and again, while publishes,
 * overwrites, yanks, pins, prunes and collections (grace period 2 s, longer than the 1 s page
 * cache) run. Every download must have the length and sha256 its page states, and nothing may
 * answer 404 or 5xx. Then a last pass checks `latest` against the rule.
 */
class IndexIntegrityTest {
    private static final Stage DEV = Stage.of("dev");
    private static final String JSON = "application/vnd.pypi.simple.v1+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void pagesAndDownloadsAgreeWhileOverwritesPrunesAndCollectionsRun() throws Exception {
        long seed = Long.getLong("pypub.chaos.seed", System.nanoTime());
        System.out.println("[index-integrity] seed " + seed);
        Random random = new Random(seed);
        try (IndexFixture index = new IndexFixture()) {
            var d = index.deployment;
            Path work = TestEnvironment.tempDir("pypub-index-integrity-");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger downloads = new AtomicInteger();
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            Thread client = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        downloads.addAndGet(checkEverything(index, problems));
                    } catch (Exception e) {
                        problems.add("client: " + e);
                    }
                }
            }, "index client");
            publish(d, work, "1.0.0", "a", false);
            client.start();
            List<String> versions = List.of("1.0.0", "1.1.0", "1.2.0", "2.0.0");
            for (int i = 0; i < 40; i++) {
                String v = versions.get(random.nextInt(versions.size()));
                String variant = "v" + random.nextInt(4);
                int kind = random.nextInt(10);
                try {
                    switch (kind) {
                        case 0, 1, 2 -> publish(d, work, v, variant, false);
                        case 3, 4 -> publish(d, work, v, variant, true);
                        case 5 -> new ReleaseLifecycle(d.versions()).yank(DEV, "tiny-pkg", v, "test", "test");
                        case 6 -> new ReleaseLifecycle(d.versions()).rollback(DEV, "tiny-pkg", v, "test", "test");
                        case 7 -> new ReleaseLifecycle(d.versions()).unpin(DEV, "tiny-pkg", "test");
                        case 8 -> ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(1, null), false, "test", PublishLog.SILENT);
                        default -> ObjectCollector.on(d.clients()).sweep(Duration.ofSeconds(2), false, List.of(), "test", PublishLog.SILENT);
                    }
                } catch (ReleaseExistsException | PublishConflictException | IllegalStateException | IllegalArgumentException e) {
                    // refused by a rule or lost a race: nothing changed
                }
                Thread.sleep(50);
            }
            stop.set(true);
            client.join(60_000);
            assertThat(downloads.get()).isPositive();
            assertThat(problems).as("seed %d", seed).isEmpty();
            assertThat(new StorageInvariants(d.versions(), d.store()).violations()).isEmpty();
            Thread.sleep(1600); // past the page cache
            var latest = d.versions().latest(DEV, "tiny-pkg").orElseThrow();
            HttpResponse<byte[]> direct = index.get("/dev/tiny-pkg/latest");
            assertThat(direct.statusCode()).isEqualTo(200);
            String sdistOfLatest = d.versions().release(DEV, "tiny-pkg", io.pypub.core.version.Version.parse(latest.version()))
                    .orElseThrow().primaryFile().sha256();
            assertThat(FileDigest.sha256Hex(direct.body())).isEqualTo(sdistOfLatest);
            System.out.println("[index-integrity] seed " + seed + ": " + downloads.get() + " downloads, " + problems.size() + " problems");
        }
    }

    private static void publish(io.pypub.core.testing.Deployment d, Path work, String version, String variant, boolean overwrite) {
        d.pipeline().publishFiles(PublishRequest.builder(work, DEV).docs(false).overwrite(overwrite).publishedBy("test").build(),
                TinyDists.make(work, "tiny-pkg", version, variant), PublishLog.SILENT);
    }

    /** One pass of a client: the project page, then every file and metadata file it lists. */
    private static int checkEverything(IndexFixture index, List<String> problems) throws Exception {
        HttpResponse<byte[]> page = index.get("/dev/simple/tiny-pkg/", "Accept", JSON);
        if (page.statusCode() != 200) {
            problems.add("project page answered " + page.statusCode());
            return 0;
        }
        int n = 0;
        for (JsonNode f : MAPPER.readTree(page.body()).path("files")) {
            String url = "/dev/files/tiny-pkg/" + f.path("url").asText().substring("../../files/tiny-pkg/".length());
            HttpResponse<byte[]> file = index.get(url);
            n++;
            if (file.statusCode() != 200) {
                problems.add(url + " answered " + file.statusCode());
                continue;
            }
            if (file.body().length != f.path("size").asLong() || !FileDigest.sha256Hex(file.body()).equals(f.path("hashes").path("sha256").asText())) {
                problems.add(url + ": " + file.body().length + " bytes with sha256 " + FileDigest.sha256Hex(file.body())
                        + ", the page says " + f.path("size") + " / " + f.path("hashes").path("sha256").asText());
            }
            JsonNode metadata = f.path("core-metadata");
            if (metadata.isObject()) {
                HttpResponse<byte[]> m = index.get(url + ".metadata");
                n++;
                if (m.statusCode() != 200 || !FileDigest.sha256Hex(m.body()).equals(metadata.path("sha256").asText())) {
                    problems.add(url + ".metadata answered " + m.statusCode() + " with sha256 " + FileDigest.sha256Hex(m.body()));
                }
            }
        }
        return n;
    }
}
