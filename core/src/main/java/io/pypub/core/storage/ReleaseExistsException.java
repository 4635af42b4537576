package io.pypub.core.storage;

/** The version is already published in that stage; releases are immutable unless overwritten explicitly. */
public class ReleaseExistsException extends RuntimeException implements io.pypub.core.error.UserError {
    public ReleaseExistsException(String message) {
        super(message);
    }
}
