package io.pypub.core.storage;

/**
 * A lifecycle operation does not fit the project's state (unknown project or version, yanking the
 * pinned version, promoting over different bytes, ...). Nothing was written; the message says what
 * to do instead. An {@link IllegalStateException}, so callers that show such messages plainly do.
 */
public class ReleaseStateException extends IllegalStateException implements io.pypub.core.error.UserError {
    public ReleaseStateException(String message) {
        super(message);
    }
}
