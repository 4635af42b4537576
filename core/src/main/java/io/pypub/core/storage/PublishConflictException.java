package io.pypub.core.storage;

/** Another publish of the same version holds the lease right now. */
public class PublishConflictException extends RuntimeException implements io.pypub.core.error.UserError {
    public PublishConflictException(String message) {
        super(message);
    }
}
