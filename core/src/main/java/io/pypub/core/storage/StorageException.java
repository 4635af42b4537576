package io.pypub.core.storage;

/** A storage operation failed; the message says what and where, never with credentials. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
