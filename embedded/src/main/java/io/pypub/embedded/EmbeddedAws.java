package io.pypub.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default deployment: an S3 API server and a DynamoDB API server on loopback,
 * each its own process so one can fail while the other keeps running. Used by {@code pypub demo},
 * the test suites and the benchmarks; production points pypub at AWS instead.
 *
 * <p>Plain values only (an interpreter path in; endpoints, bucket and keys out), so that this module
 * needs nothing from core and core's own tests can use it; callers make core's settings from them.
 */
public final class EmbeddedAws implements AutoCloseable {
    /** The bucket of the default deployment ({@code pypub demo}). */
    public static final String BUCKET = "pypub-packages";
    /** The local servers accept any keys; these make the SDK sign requests as it would for AWS. */
    public static final String ACCESS_KEY_ID = "embedded";
    public static final String SECRET_ACCESS_KEY = "embedded-secret";

    private final MotoServer s3;
    private final MotoServer dynamo;

    private EmbeddedAws(MotoServer s3, MotoServer dynamo) {
        this.s3 = s3;
        this.dynamo = dynamo;
    }

    /**
     * Starts both servers.
     *
     * @param python an interpreter with {@code moto[server]} installed (pinned in core's tools requirements)
     * @param logDir where each server's log goes (created if missing)
     */
    public static EmbeddedAws start(Path python, Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MotoServer s3 = MotoServer.start(python, logDir.resolve("s3-server.log"), false);
        try {
            // Serial: DynamoDB transactions must be atomic, as on AWS.
            MotoServer dynamo = MotoServer.start(python, logDir.resolve("dynamodb-server.log"), true);
            return new EmbeddedAws(s3, dynamo);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    public MotoServer s3Server() {
        return s3;
    }

    public MotoServer dynamoServer() {
        return dynamo;
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public URI dynamoEndpoint() {
        return dynamo.endpoint();
    }

    @Override
    public void close() {
        s3.close();
        dynamo.close();
    }
}
