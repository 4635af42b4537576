package io.pypub.server.lambda;

/**
 * The invocation is not an API Gateway HTTP API payload format 2.0 event: a deployment mistake
 * (wrong payload format version, wrong trigger), not a client error.
 */
final class InvalidEventException extends Exception {
    InvalidEventException(String message) {
        super(message);
    }
}
