package io.pypub.core.audit;

import io.pypub.core.storage.PublishConflictException;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.ReleaseExistsException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The durable, central audit trail of changes (publish, lifecycle, keys, users, backup/restore):
 * one {@link AuditEvent} per operation, shared by every CLI, Jenkins agent and index instance of a
 * deployment. The deployment's store is {@link DynamoChangeLog} (items in the access table, see
 * docs/ARCHITECTURE.md "Audit trail of changes").
 */
public interface ChangeLog {

    /**
     * Stores an event. Never throws: the change it describes has happened (or failed) already, so a
     * store that is down must not turn it into a different outcome; the event then goes to the
     * error log in full instead (it holds no secrets).
     */
    void record(AuditEvent event);

    /** Events with {@code since <= time < until}, oldest first. Throws if the store cannot be read. */
    List<AuditEvent> between(Instant since, Instant until);

    /** The deployment's change log: the access table of {@code aws}. */
    static ChangeLog on(AwsClients aws) {
        return new DynamoChangeLog(aws.dynamo(), aws.settings().accessTable());
    }

    /** Keeps nothing (unit tests of code that needs a change log but not its events). */
    ChangeLog NONE = new ChangeLog() {
        @Override
        public void record(AuditEvent event) {}

        @Override
        public List<AuditEvent> between(Instant since, Instant until) {
            return List.of();
        }
    };

    /**
     * Runs an operation and records one event for it: {@code ok} with {@code describe}'s message, or
     * {@code refused} (bad input or a rule said no: {@link IllegalArgumentException},
     * {@link IllegalStateException}, an existing release, a concurrent publish) or {@code failed}
     * (anything else) with the exception's message, which is rethrown. {@code describe} may add the
     * result's facts (a new key id) to {@code event}.
     */
    default <T> T run(AuditEvent.Builder event, Supplier<T> operation, Function<T, String> describe) {
        T result;
        try {
            result = operation.get();
        } catch (RuntimeException | Error e) {
            record(event.finish(outcomeOf(e), messageOf(e)));
            throw e;
        }
        record(event.finish(AuditEvent.OK, describe.apply(result)));
        return result;
    }

    static String outcomeOf(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof ReleaseExistsException
                || e instanceof PublishConflictException ? AuditEvent.REFUSED : AuditEvent.FAILED;
    }

    static String messageOf(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
