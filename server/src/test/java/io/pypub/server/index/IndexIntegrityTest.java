package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.integrity.StorageInvariants;
import io.pypub.core.integrity.TinyDists;
import io.pypub.core.lifecycle.ReleaseLifecycle;
import io.pypub.core.progress.PublishLog;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The index's view while the storage changes under it: a client reads the JSON pages and downloads
 * every listed file and `.metadata` through the index, again and again, while publishes,
 * overwrites, yanks, pins, prunes and collections (grace period 2 s, longer than the 1 s page
 * cache) run. No download may answer 5xx or return bytes that are not exactly one recorded build of
 * that file (never torn or mixed bytes, never a collected object). Download URLs name a file, not
 * its bytes, and the file route reads the table (through the same 1 s cache) again, so within one
 * cache interval of an overwrite a download may already return the new build the page does not list
 * yet, and within one interval of a prune answer 404; once the cache interval has passed, a last pass
 * must find pages and downloads in exact agreement, and `latest` by the rule.
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
            Set<String> builds = ConcurrentHashMap.newKeySet();
            Set<String> pruned = ConcurrentHashMap.newKeySet();
            Thread client = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        downloads.addAndGet(checkEverything(index, problems, builds, pruned));
                    } catch (Exception e) {
                        problems.add("client: " + e);
                    }
                }
            }, "index client");
            publish(d, work, "1.0.0", "a", false, builds);
            client.start();
            List<String> versions = List.of("1.0.0", "1.1.0", "1.2.0", "2.0.0");
            for (int i = 0; i < 40; i++) {
                String v = versions.get(random.nextInt(versions.size()));
                String variant = "v" + random.nextInt(4);
                int kind = random.nextInt(10);
                try {
                    switch (kind) {
                        case 0, 1, 2 -> publish(d, work, v, variant, false, builds);
                        case 3, 4 -> publish(d, work, v, variant, true, builds);
                        case 5 -> new ReleaseLifecycle(d.versions()).yank(DEV, "tiny-pkg", v, "test", "test");
                        case 6 -> new ReleaseLifecycle(d.versions()).rollback(DEV, "tiny-pkg", v, "test", "test");
                        case 7 -> new ReleaseLifecycle(d.versions()).unpin(DEV, "tiny-pkg", "test");
                        case 8 -> ReleasePruner.on(d.clients()).prune(DEV, new PrunePolicy(1, null), false, "test", PublishLog.SILENT)
                                .forEach(p -> pruned.add(p.version()));
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
            Thread.sleep(1600); // past the page cache: now pages and downloads agree exactly
            List<String> settled = new ArrayList<>();
            checkEverything(index, settled, Set.of(), Set.of());
            assertThat(settled).isEmpty();
            var latest = d.versions().latest(DEV, "tiny-pkg").orElseThrow();
            HttpResponse<byte[]> direct = index.get("/dev/tiny-pkg/latest");
            assertThat(direct.statusCode()).isEqualTo(200);
            String sdistOfLatest = d.versions().release(DEV, "tiny-pkg", io.pypub.core.version.Version.parse(latest.version()))
                    .orElseThrow().primaryFile().sha256();
            assertThat(FileDigest.sha256Hex(direct.body())).isEqualTo(sdistOfLatest);
            System.out.println("[index-integrity] seed " + seed + ": " + downloads.get() + " downloads, " + problems.size() + " problems");
        }
    }

    /**
     * Publishes a build, adding "filename sha256" of each of its files and metadata files to {@code builds}
     * before the publish starts, so the client never sees bytes of a build it does not know yet.
     */
    private static void publish(io.pypub.core.testing.Deployment d, Path work, String version, String variant, boolean overwrite,
            Set<String> builds) {
        List<Path> files = TinyDists.make(work, "tiny-pkg", version, variant);
        List<String> out = new ArrayList<>();
        for (Path p : files) {
            var inspected = new io.pypub.core.inspect.DistributionInspector().inspect(p);
            out.add(p.getFileName() + " " + FileDigest.of(p).sha256());
            out.add(p.getFileName() + ".metadata " + FileDigest.sha256Hex(inspected.metadata().raw()));
        }
        builds.addAll(out);
        d.pipeline().publishFiles(PublishRequest.builder(work, DEV).docs(false).overwrite(overwrite).publishedBy("test").build(),
                files, PublishLog.SILENT);
    }

    /**
     * One pass of a client: the project page, then every file and metadata file it lists. A download that
     * differs from the page is allowed only as described in the class comment: bytes of another recorded
     * build of that file ({@code builds}, "filename sha256"), or 404 for a version a prune removed; with
     * both sets empty, pages and downloads must agree exactly.
     */
    private static int checkEverything(IndexFixture index, List<String> problems, Set<String> builds, Set<String> pruned)
            throws Exception {
        HttpResponse<byte[]> page = index.get("/dev/simple/tiny-pkg/", "Accept", JSON);
        if (page.statusCode() != 200) {
            problems.add("project page answered " + page.statusCode());
            return 0;
        }
        int n = 0;
        for (JsonNode f : MAPPER.readTree(page.body()).path("files")) {
            String rel = f.path("url").asText().substring("../../files/tiny-pkg/".length());
            String version = rel.substring(0, rel.indexOf('/'));
            String filename = f.path("filename").asText();
            n++;
            check(index, "/dev/files/tiny-pkg/" + rel, filename, f.path("hashes").path("sha256").asText(), f.path("size").asLong(),
                    version, problems, builds, pruned);
            JsonNode metadata = f.path("core-metadata");
            if (metadata.isObject()) {
                n++;
                check(index, "/dev/files/tiny-pkg/" + rel + ".metadata", filename + ".metadata", metadata.path("sha256").asText(), -1,
                        version, problems, builds, pruned);
            }
        }
        return n;
    }

    private static void check(IndexFixture index, String url, String filename, String sha256, long size, String version,
            List<String> problems, Set<String> builds, Set<String> pruned) throws Exception {
        HttpResponse<byte[]> r = index.get(url);
        if (r.statusCode() == 404 && pruned.contains(version)) {
            return; // pruned after the page was read, within the cache interval
        }
        if (r.statusCode() != 200) {
            problems.add(url + " answered " + r.statusCode());
            return;
        }
        String got = FileDigest.sha256Hex(r.body());
        boolean asPage = got.equals(sha256) && (size < 0 || r.body().length == size);
        if (!asPage && !builds.contains(filename + " " + got)) {
            problems.add(url + ": " + r.body().length + " bytes with sha256 " + got + ", which is no recorded build of " + filename
                    + " (the page says " + size + " / " + sha256 + ")");
        }
    }
}
