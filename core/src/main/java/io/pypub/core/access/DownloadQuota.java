package io.pypub.core.access;

import io.pypub.core.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Download counters per key and UTC day/month in the access table ({@code pk=usage#<keyId>},
 * {@code sk=day#2026-11-23} / {@code month#2026-11}), with a TTL attribute so old counters go away.
 *
 * <p>Both counters move in one DynamoDB transaction, each update conditioned on its count being
 * below the limit: the check and the increment are one atomic step in DynamoDB, so N instances
 * together allow exactly the quota, and a refused download counts nowhere.
 */
public final class DownloadQuota implements AutoCloseable {
    public static final String TTL_ATTRIBUTE = "ttl";
    private static final String PK_PREFIX = "usage#";
    private static final String COUNT = "downloads";
    private static final int MAX_ATTEMPTS = 5;

    /** Allowed, or refused with the period whose limit is reached and when it resets. */
    public record Decision(boolean allowed, String period, long limit, Instant resetsAt) {
        static final Decision ALLOWED = new Decision(true, null, 0, null);

        public long retryAfterSeconds(Instant now) {
            return Math.max(1, Duration.between(now, resetsAt).toSeconds() + 1);
        }
    }

    public record Usage(long today, long thisMonth) {}

    private final AccessItems items;
    private final Clock clock;
    /** Where downloads of keys without a quota are added up, or null to write each one at once. */
    private final DownloadTally tally;

    /** Counts every download in DynamoDB as it happens. */
    public DownloadQuota(DynamoDbClient dynamo, String table, Clock clock) {
        this(dynamo, table, clock, Duration.ZERO);
    }

    /**
     * Counts downloads of keys with a quota as they happen; those of keys without one are added up
     * and written every {@code flushInterval} (zero: at once, too). Close it to write the last ones.
     */
    public DownloadQuota(DynamoDbClient dynamo, String table, Clock clock, Duration flushInterval) {
        this.items = new AccessItems(dynamo, table);
        this.clock = clock;
        this.tally = flushInterval.isZero() ? null : new DownloadTally(items, clock, flushInterval);
    }

    /** Counts one download of {@code key} if both its quotas allow it. */
    public Decision tryCount(ApiKey key) {
        KeyPolicy policy = key.policy();
        if (tally != null && policy.dailyDownloads() == null && policy.monthlyDownloads() == null) {
            tally.add(key.keyId()); // nothing to enforce: counted for reports, a second later
            return Decision.ALLOWED;
        }
        Periods p = Periods.at(clock.instant());
        List<TransactWriteItem> writes = dayAndMonth(items.table(), key.keyId(), p, 1, policy.dailyDownloads(),
                policy.monthlyDownloads());
        for (int attempt = 1; ; attempt++) {
            try {
                items.dynamo().transactWriteItems(b -> b.transactItems(writes));
                return Decision.ALLOWED;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (failedCondition(reasons, 0)) {
                    return new Decision(false, "daily", policy.dailyDownloads(), p.dayEnd());
                }
                if (failedCondition(reasons, 1)) {
                    return new Decision(false, "monthly", policy.monthlyDownloads(), p.monthEnd());
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new StorageException("Counting a download of key " + key.keyId() + " failed after " + attempt
                            + " attempts: " + e.getMessage(), e);
                }
                sleepBeforeRetry(attempt); // TransactionConflict: another instance counted at the same moment
            } catch (SdkException e) {
                throw new StorageException("Counting a download of key " + key.keyId() + " in " + items.table() + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Writes the downloads added up so far (keys without a quota); stops adding them up. */
    @Override
    public void close() {
        if (tally != null) {
            tally.close();
        }
    }

    /** The UTC day and month a download at {@code now} counts in, their items' sort keys, ends and expiry (TTL). */
    record Periods(String daySk, String monthSk, Instant dayEnd, Instant monthEnd, Instant dayExpiry, Instant monthExpiry) {
        static Periods at(Instant now) {
            LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
            YearMonth month = YearMonth.from(day);
            Instant dayEnd = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            return new Periods("day#" + day, "month#" + month, dayEnd, monthEnd, dayEnd.plus(Duration.ofDays(35)),
                    monthEnd.plus(Duration.ofDays(400)));
        }
    }

    public Usage usage(String keyId) {
        Periods p = Periods.at(clock.instant());
        return new Usage(count(keyId, p.daySk()), count(keyId, p.monthSk()));
    }

    private long count(String keyId, String sk) {
        return items.get(PK_PREFIX + keyId, sk).map(i -> AccessItems.longOrNull(i, COUNT)).map(Long::longValue).orElse(0L);
    }

    /** The transaction's two updates: {@code n} more downloads in the day and in the month, each only below its limit (if any). */
    static List<TransactWriteItem> dayAndMonth(String table, String keyId, Periods p, long n, Long dailyLimit, Long monthlyLimit) {
        return List.of(
                TransactWriteItem.builder().update(increment(table, keyId, p.daySk(), n, dailyLimit, p.dayExpiry())).build(),
                TransactWriteItem.builder().update(increment(table, keyId, p.monthSk(), n, monthlyLimit, p.monthExpiry())).build());
    }

    /** Adds {@code n} to a counter item and sets its expiry the first time; with a limit, only while below it. */
    private static Update increment(String table, String keyId, String sk, long n, Long limit, Instant expiry) {
        Update.Builder u = Update.builder()
                .tableName(table)
                .key(AccessItems.key(PK_PREFIX + keyId, sk))
                .updateExpression("SET #ttl = if_not_exists(#ttl, :ttl) ADD #count :n");
        Map<String, String> names = new java.util.HashMap<>(Map.of("#ttl", TTL_ATTRIBUTE, "#count", COUNT));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(
                ":ttl", AccessItems.n(expiry.getEpochSecond()), ":n", AccessItems.n(n)));
        if (limit != null) {
            u.conditionExpression("attribute_not_exists(#count) OR #count < :limit");
            values.put(":limit", AccessItems.n(limit));
        }
        return u.expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static void sleepBeforeRetry(int attempt) {
        try {
            Thread.sleep(10L * attempt + (long) (Math.random() * 20));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while counting a download");
        }
    }
}
