package io.pypub.core.access;

import io.pypub.core.util.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Downloads of keys without a quota, added up in memory and written to their day and month usage
 * items every interval (one transaction adding n to both, instead of one per download). Nothing
 * is enforced for these keys, so the count only feeds reports ({@code pypub keys show}), which see
 * it an interval late; a transaction per download bounded the index's download rate by DynamoDB's.
 * A count that cannot be written is kept for the next round; a process killed without
 * {@link #close} loses one interval of counts.
 */
final class DownloadTally implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadTally.class);

    private final AccessItems items;
    private final Clock clock;
    private final Map<String, LongAdder> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    DownloadTally(AccessItems items, Clock clock, Duration interval) {
        this.items = items;
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("download-tally"));
        flusher.scheduleWithFixedDelay(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void add(String keyId) {
        pending.computeIfAbsent(keyId, k -> new LongAdder()).increment();
    }

    /** Writes what was added up since the last flush; counts that fail to write wait for the next one. */
    synchronized void flush() {
        DownloadQuota.Periods periods = DownloadQuota.Periods.at(clock.instant());
        for (Map.Entry<String, LongAdder> e : pending.entrySet()) {
            long n = e.getValue().sumThenReset();
            if (n == 0) {
                continue;
            }
            String keyId = e.getKey();
            try {
                // One transaction per key and interval: both items get the n, or neither does.
                items.dynamo().transactWriteItems(b -> b.transactItems(
                        DownloadQuota.dayAndMonth(items.table(), keyId, periods, n, null, null)));
            } catch (SdkException ex) {
                e.getValue().add(n);
                LOG.warn("Writing {} downloads of key {} failed; they go with the next batch: {}", n, keyId, ex.getMessage());
            }
        }
    }

    /** Stops the timer and writes what is left. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
