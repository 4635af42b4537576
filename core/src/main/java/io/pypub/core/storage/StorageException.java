package io.pypub.core.storage;

/** A storage operation failed; the message says what and where, never with credentials. */
public class StorageException extends RuntimeException implements io.pypub.core.error.UserError {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
