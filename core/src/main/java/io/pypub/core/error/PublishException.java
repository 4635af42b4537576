package io.pypub.core.error;

/** A publish failed; the message says which step and what to do about it. Here rather than in publish: the steps throw it too. */
public class PublishException extends RuntimeException implements UserError {
    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
