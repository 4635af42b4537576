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
public final class DownloadQuota {
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

    public DownloadQuota(DynamoDbClient dynamo, String table, Clock clock) {
        this.items = new AccessItems(dynamo, table);
        this.clock = clock;
    }

    /** Counts one download of {@code key} if both its quotas allow it. */
    public Decision tryCount(ApiKey key) {
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        YearMonth month = YearMonth.from(day);
        Instant dayEnd = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<TransactWriteItem> writes = List.of(
                increment(key.keyId(), "day#" + day, key.policy().dailyDownloads(), dayEnd.plus(Duration.ofDays(35))),
                increment(key.keyId(), "month#" + month, key.policy().monthlyDownloads(), monthEnd.plus(Duration.ofDays(400))));
        for (int attempt = 1; ; attempt++) {
            try {
                items.dynamo().transactWriteItems(b -> b.transactItems(writes));
                return Decision.ALLOWED;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (failedCondition(reasons, 0)) {
                    return new Decision(false, "daily", key.policy().dailyDownloads(), dayEnd);
                }
                if (failedCondition(reasons, 1)) {
                    return new Decision(false, "monthly", key.policy().monthlyDownloads(), monthEnd);
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

    public Usage usage(String keyId) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return new Usage(count(keyId, "day#" + day), count(keyId, "month#" + YearMonth.from(day)));
    }

    private long count(String keyId, String sk) {
        return items.get(PK_PREFIX + keyId, sk).map(i -> AccessItems.longOrNull(i, COUNT)).map(Long::longValue).orElse(0L);
    }

    private TransactWriteItem increment(String keyId, String sk, Long limit, Instant expiry) {
        Update.Builder u = Update.builder()
                .tableName(items.table())
                .key(AccessItems.key(PK_PREFIX + keyId, sk))
                .updateExpression("SET #ttl = if_not_exists(#ttl, :ttl) ADD #count :one");
        Map<String, String> names = new java.util.HashMap<>(Map.of("#ttl", TTL_ATTRIBUTE, "#count", COUNT));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(
                ":ttl", AccessItems.n(expiry.getEpochSecond()), ":one", AccessItems.n(1)));
        if (limit != null) {
            u.conditionExpression("attribute_not_exists(#count) OR #count < :limit");
            values.put(":limit", AccessItems.n(limit));
        }
        return TransactWriteItem.builder().update(u.expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
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
