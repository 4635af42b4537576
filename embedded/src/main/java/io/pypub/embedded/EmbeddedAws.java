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
    /** The keys the local servers accept (S3Proxy these, moto any); the SDK signs requests with them as it would for AWS. */
    public static final String ACCESS_KEY_ID = "embedded";
    public static final String SECRET_ACCESS_KEY = "embedded-secret";

    /** Which server is the embedded S3: {@code s3proxy} (the default) or {@code moto}. Also {@code PYPUB_EMBEDDED_S3}. */
    public static final String S3_SERVER_PROPERTY = "pypub.embedded.s3";

    private final LoopbackServer s3;
    private final MotoServer dynamo;

    private EmbeddedAws(LoopbackServer s3, MotoServer dynamo) {
        this.s3 = s3;
        this.dynamo = dynamo;
    }

    /**
     * Starts both servers.
     *
     * @param python an interpreter with {@code moto[server]} installed (pinned in core's tools requirements): the
     *     DynamoDB server, and the S3 one when moto is chosen
     * @param logDir where each server's log goes (created if missing)
     */
    public static EmbeddedAws start(Path python, Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoopbackServer s3 = startS3(python, logDir.resolve("s3-server.log"));
        try {
            // Serial: DynamoDB transactions must be atomic, as on AWS.
            MotoServer dynamo = MotoServer.start(python, logDir.resolve("dynamodb-server.log"), true);
            return new EmbeddedAws(s3, dynamo);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    /**
     * The embedded S3 server chosen: {@code s3proxy} unless {@link #S3_SERVER_PROPERTY} or {@code PYPUB_EMBEDDED_S3}
     * says otherwise. S3Proxy by default for its speed (many times moto's; docs/ARCHITECTURE.md, Choices), now that
     * {@link S3ProxyServer} closes the differences from S3 that our tests found.
     */
    public static String s3ServerName() {
        return System.getProperty(S3_SERVER_PROPERTY, System.getenv().getOrDefault("PYPUB_EMBEDDED_S3", "s3proxy")).strip();
    }

    /** The S3 server {@link #S3_SERVER_PROPERTY} names; both accept {@link #ACCESS_KEY_ID} and {@link #SECRET_ACCESS_KEY}. */
    static LoopbackServer startS3(Path python, Path logFile) {
        String chosen = s3ServerName();
        return switch (chosen) {
            case "s3proxy" -> {
                try {
                    yield S3ProxyServer.start(logFile, Files.createTempDirectory("pypub-s3proxy-"));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot create a folder for the embedded S3 server: " + e.getMessage(), e);
                }
            }
            case "moto" -> MotoServer.start(python, logFile, false);
            default -> throw new IllegalArgumentException("Unknown embedded S3 server '" + chosen + "' (" + S3_SERVER_PROPERTY
                    + " / PYPUB_EMBEDDED_S3): use s3proxy or moto");
        };
    }

    public LoopbackServer s3Server() {
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
