package io.pypub.core.inspect;

/** A distribution file is malformed or disagrees with the rest of the release. */
public class InvalidDistributionException extends RuntimeException implements io.pypub.core.error.UserError {
    public InvalidDistributionException(String message) {
        super(message);
    }

    public InvalidDistributionException(String message, Throwable cause) {
        super(message, cause);
    }
}
