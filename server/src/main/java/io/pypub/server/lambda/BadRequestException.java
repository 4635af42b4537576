package io.pypub.server.lambda;

/** The request cannot be served as sent (answered with 400); the message is safe to show to the client. */
final class BadRequestException extends Exception {
    BadRequestException(String message) {
        super(message);
    }
}
