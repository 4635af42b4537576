package io.pypub.core.storage;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The retry rule of the version table's read-decide-write operations: again from a fresh read, after a random, growing pause. */
final class DynamoRetries {
    static final int MAX_ATTEMPTS = 8;
    /** Publishes of different versions of one project contend on its registry item: more room than lifecycle changes. */
    static final int MAX_RECORD_ATTEMPTS = 16;

    private final String table;

    DynamoRetries(String table) {
        this.table = table;
    }

    /** Runs one read-decide-write attempt, again from a fresh read when a concurrent change cancelled it. */
    <T> T withRetries(String what, Supplier<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (TransactionCanceledException e) {
                if (n >= MAX_ATTEMPTS) {
                    throw new StorageException(what + " failed after " + n + " attempts: concurrent changes to the project "
                            + "kept cancelling the transaction (" + e.cancellationReasons().stream()
                                    .map(CancellationReason::code).toList() + "). Try again.", e);
                }
                backOff(n, what);
            } catch (SdkException e) {
                throw new StorageException(what + " in DynamoDB table " + table + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Random, growing pauses between attempts, so contending writers stop colliding. */
    static void backOff(int attempt, String what) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(what + " was interrupted", e);
        }
    }
}
