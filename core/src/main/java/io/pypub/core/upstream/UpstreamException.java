package io.pypub.core.upstream;

/** An upstream did not answer usably (down, timeout, 5xx, bad page, hash mismatch); the message holds no credentials. */
public class UpstreamException extends RuntimeException implements io.pypub.core.error.UserError {
    private final boolean unreachable;

    public UpstreamException(String message) {
        this(message, false);
    }

    /** @param unreachable the upstream did not answer at all or answered 5xx (worth a short back-off), not a 4xx or a bad file */
    public UpstreamException(String message, boolean unreachable) {
        super(UpstreamUrl.redact(message));
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
