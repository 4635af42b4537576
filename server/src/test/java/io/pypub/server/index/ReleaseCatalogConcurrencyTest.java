package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.VersionTable;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Requests that miss the cache together share one table read, and a failed read is not kept (refreshes: CatalogGenerationTest). */
class ReleaseCatalogConcurrencyTest {
    private static final Stage DEV = Stage.of("dev");

    @Test
    void concurrentMissesShareOneRead() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ReleaseCatalog catalog = new ReleaseCatalog(table(() -> {
            reads.incrementAndGet();
            sleep(300);
            return List.of();
        }), Duration.ofSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<List<Release>>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> catalog.releases(DEV, "p")));
            }
            for (Future<List<Release>> r : results) {
                assertThat(r.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads).hasValue(1);
        catalog.releases(DEV, "p");
        assertThat(reads).as("still cached").hasValue(1);
    }

    @Test
    void aFailedReadIsNotCached() {
        AtomicInteger reads = new AtomicInteger();
        ReleaseCatalog catalog = new ReleaseCatalog(table(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new StorageException("DynamoDB unavailable");
            }
            return List.of();
        }), Duration.ofSeconds(5));
        assertThatThrownBy(() -> catalog.releases(DEV, "p")).isInstanceOf(StorageException.class);
        assertThat(catalog.releases(DEV, "p")).isEmpty();
        assertThat(reads).hasValue(2);
    }

    /** A version table whose releases() is {@code releases}; a proxy, so it keeps compiling as the interface grows. */
    private static VersionTable table(Supplier<List<Release>> releases) {
        return (VersionTable) Proxy.newProxyInstance(VersionTable.class.getClassLoader(), new Class<?>[] {VersionTable.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("releases")) {
                        return releases.get();
                    }
                    if (method.getName().equals("generation")) {
                        return io.pypub.core.storage.StageGeneration.none();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
