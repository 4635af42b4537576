package io.pypub.core.access;

/** A request about keys or users that cannot be done as asked; the message says why, never with a secret. */
public class AccessException extends IllegalArgumentException implements io.pypub.core.error.UserError {
    public AccessException(String message) {
        super(message);
    }
}
