package io.pypub.core.publish;

/** A publish failed; the message says which step and what to do about it. */
public class PublishException extends RuntimeException implements io.pypub.core.error.UserError {
    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
