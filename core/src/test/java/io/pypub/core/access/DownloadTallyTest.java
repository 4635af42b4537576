package io.pypub.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Downloads of keys without a quota are added up and written later; keys with one are still counted exactly, at once. */
class DownloadTallyTest {
    private final TestEnvironment env = TestEnvironment.get();

    @Test
    void unlimitedKeysAreCountedInOneWriteAndNothingIsLostOnClose() throws Exception {
        try (Deployment d = env.newDeployment()) {
            ApiKey key = key(d, null);
            String table = d.settings().accessTable();
            DownloadQuota reports = new DownloadQuota(d.clients().dynamo(), table, Clock.systemUTC());
            DownloadQuota quota = new DownloadQuota(d.clients().dynamo(), table, Clock.systemUTC(), Duration.ofHours(1));
            ExecutorService pool = Executors.newFixedThreadPool(5);
            for (int i = 0; i < 25; i++) {
                pool.submit(() -> assertThat(quota.tryCount(key).allowed()).isTrue());
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(reports.usage(key.keyId())).isEqualTo(new DownloadQuota.Usage(0, 0)); // added up, not written yet

            quota.close();
            assertThat(reports.usage(key.keyId())).isEqualTo(new DownloadQuota.Usage(25, 25));
        }
    }

    @Test
    void countsReachTheTableWithinTheIntervalWithoutClose() throws Exception {
        try (Deployment d = env.newDeployment()) {
            ApiKey key = key(d, null);
            String table = d.settings().accessTable();
            DownloadQuota reports = new DownloadQuota(d.clients().dynamo(), table, Clock.systemUTC());
            try (DownloadQuota quota = new DownloadQuota(d.clients().dynamo(), table, Clock.systemUTC(), Duration.ofMillis(200))) {
                for (int i = 0; i < 7; i++) {
                    quota.tryCount(key);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (reports.usage(key.keyId()).today() < 7 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(reports.usage(key.keyId())).isEqualTo(new DownloadQuota.Usage(7, 7));
            }
        }
    }

    @Test
    void keysWithAQuotaAreStillCountedExactlyAndAtOnce() throws Exception {
        try (Deployment d = env.newDeployment()) {
            ApiKey key = key(d, 3L);
            String table = d.settings().accessTable();
            try (DownloadQuota quota = new DownloadQuota(d.clients().dynamo(), table, Clock.systemUTC(), Duration.ofHours(1))) {
                for (int i = 0; i < 3; i++) {
                    assertThat(quota.tryCount(key).allowed()).isTrue();
                }
                DownloadQuota.Decision fourth = quota.tryCount(key);
                assertThat(fourth.allowed()).isFalse();
                assertThat(fourth.period()).isEqualTo("daily");
                assertThat(quota.usage(key.keyId())).isEqualTo(new DownloadQuota.Usage(3, 3));
            }
        }
    }

    private static ApiKey key(Deployment d, Long daily) {
        return new ApiKeys(new ApiKeyTable(d.clients().dynamo(), d.settings().accessTable()), Clock.systemUTC())
                .create(new KeyPolicy("tally-test", Set.of("dev"), Set.of(), 100, 100, daily, null, null), "test").key();
    }
}
