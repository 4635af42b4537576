package io.pypub.core.storage;

/** Another publish of the same version holds the lease right now. */
public class PublishConflictException extends RuntimeException {
    public PublishConflictException(String message) {
        super(message);
    }
}
