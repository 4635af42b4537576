package io.pypub.core.storage;

/** The version is already published in that stage; releases are immutable unless overwritten explicitly. */
public class ReleaseExistsException extends RuntimeException {
    public ReleaseExistsException(String message) {
        super(message);
    }
}
