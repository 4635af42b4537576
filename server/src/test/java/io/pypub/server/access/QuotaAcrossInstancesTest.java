package io.pypub.server.access;

import io.pypub.core.testing.TestEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.release.ReleaseFile;
import io.pypub.server.http.IndexServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Download quotas are counted in DynamoDB, so two index instances together allow exactly the quota. */
class QuotaAcrossInstancesTest {
    private static AccessFixture index;
    private static List<IndexServer> servers;
    private static String wheelPath;

    @BeforeAll
    static void twoInstancesOnOneDeployment() {
        index = new AccessFixture();
        index.startServer();
        servers = index.servers;
        ReleaseFile wheel = index.publish("hello-package", "dev").release().files().stream()
                .filter(f -> f.filename().endsWith(".whl")).findFirst().orElseThrow();
        wheelPath = "/dev/files/hello-package/0.1.0/" + wheel.filename();
    }

    @AfterAll
    static void stop() {
        index.close();
    }

    @Test
    void aDailyQuotaOfThreeAllowsExactlyThreePipDownloadsAlternatingBetweenInstances() throws Exception {
        String key = index.createKey("--client", "quota-co", "--stages", "dev", "--daily", "3", "--rate", "0");
        PythonEnvironment venv = index.env.freshClientVenv();
        for (int i = 0; i < 3; i++) {
            IndexServer s = servers.get(i % 2);
            AccessFixture.Run dl = index.pip(venv, "download", "--no-deps", "--only-binary", ":all:", "-d",
                    TestEnvironment.tempDir("dl").toString(), "--index-url", AccessFixture.withKey(s, key, "/dev/simple/"), "hello-package");
            assertThat(dl.exitCode()).as("download %d on instance %d: %s", i + 1, i % 2, dl.output()).isZero();
            assertThat(dl.output()).contains("Saved");
        }
        // The fourth download, on the other instance, is over the quota: 403 (no retry) naming the quota and its reset.
        HttpResponse<byte[]> fourth = index.get(servers.get(1), wheelPath, "Authorization", "Bearer " + key);
        assertThat(fourth.statusCode()).isEqualTo(403);
        assertThat(new String(fourth.body())).startsWith("Forbidden: Download quota exceeded: daily limit of 3 downloads, resets ");
        assertThat(fourth.headers().firstValue("Retry-After")).isEmpty();
        assertThat(index.get(servers.get(0), wheelPath, "Authorization", "Bearer " + key).statusCode()).isEqualTo(403);
        // Pages and metadata are not downloads: still served.
        assertThat(index.get(servers.get(0), "/dev/simple/hello-package/", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        assertThat(index.get(servers.get(1), wheelPath + ".metadata", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);

        AccessFixture.CliResult show = index.cli(null, "keys", "show", AccessFixture.keyId(key));
        assertThat(show.stdout()).contains("\"downloads_today\" : 3").contains("\"downloads_this_month\" : 3");
    }

    /** The monthly counter, the second update of the transaction, with downloads alternating between the instances. */
    @Test
    void aMonthlyQuotaOfFiveAllowsExactlyFiveOfTenDownloadsAcrossInstances() throws Exception {
        String key = index.createKey("--client", "monthly-co", "--stages", "dev", "--monthly", "5", "--rate", "0");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(index.get(servers.get(i % 2), wheelPath, "Authorization", "Bearer " + key).statusCode());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 403, 403, 403, 403, 403);
        HttpResponse<byte[]> over = index.get(servers.get(0), wheelPath, "Authorization", "Bearer " + key);
        assertThat(new String(over.body())).contains("monthly limit of 5 downloads");
        AccessFixture.CliResult show = index.cli(null, "keys", "show", AccessFixture.keyId(key));
        assertThat(show.stdout()).contains("\"downloads_this_month\" : 5").contains("\"downloads_today\" : 5");
    }

    /** 16 downloads at once, spread over both instances, against a quota of 5: exactly 5 get through. */
    @Test
    void concurrentDownloadsOnBothInstancesNeverExceedTheQuota() throws Exception {
        String key = index.createKey("--client", "burst-co", "--stages", "dev", "--daily", "5", "--rate", "0");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                IndexServer s = servers.get(i % 2);
                results.add(pool.submit(() -> index.get(s, wheelPath, "Authorization", "Bearer " + key).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses.stream().filter(st -> st == 200).count()).as(statuses.toString()).isEqualTo(5);
            assertThat(statuses.stream().filter(st -> st == 403).count()).as(statuses.toString()).isEqualTo(11);
        } finally {
            pool.shutdownNow();
        }
    }
}
