package io.pypub.core.storage;

import io.pypub.core.util.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the AWS SDK v2 clients for a deployment; one instance owns and closes them. Each client is
 * built on first use: building one loads a few hundred SDK classes, and most commands need only
 * DynamoDB ({@code keys}, {@code users}, lifecycle) or only S3, so a short command starts faster.
 */
public final class AwsClients implements AutoCloseable {
    /** The JDK's own property: how many idle connections its HTTP client keeps per server (5 when unset). */
    static final String KEEP_ALIVE_PROPERTY = "http.maxConnections";
    /**
     * Idle connections to keep per server: as many as pypub sends requests at once (import's parallelism goes up to 64;
     * a publish uploads on 16 threads). With the JDK's 5, every burst of requests closes the connections beyond five
     * as they come back, and the next burst opens them again: a TCP handshake each, and a TLS one on AWS.
     */
    static final int KEEP_ALIVE_CONNECTIONS = 64;

    private final AwsSettings settings;
    private final SdkHttpClient http;
    private final Lazy<S3Client> s3;
    private final Lazy<DynamoDbClient> dynamo;
    private final Lazy<S3Presigner> presigner;

    public AwsClients(AwsSettings settings, AwsCredentialsProvider credentials) {
        this.settings = settings;
        AwsCredentialsProvider creds = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(settings.region());
        keepAliveForParallelRequests();
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        // Path-style addressing and checksums only when required keep S3-compatible stores working.
        S3Configuration s3Config = S3Configuration.builder()
                .pathStyleAccessEnabled(settings.s3Endpoint() != null)
                .build();
        this.s3 = new Lazy<>(() -> {
            var b = S3Client.builder()
                    .httpClient(http)
                    .region(region)
                    .credentialsProvider(creds)
                    .serviceConfiguration(s3Config)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (settings.s3Endpoint() != null) {
                b.endpointOverride(settings.s3Endpoint());
            }
            return b.build();
        });
        this.presigner = new Lazy<>(() -> {
            var b = S3Presigner.builder().region(region).credentialsProvider(creds).serviceConfiguration(s3Config);
            if (settings.s3Endpoint() != null) {
                b.endpointOverride(settings.s3Endpoint());
            }
            return b.build();
        });
        this.dynamo = new Lazy<>(() -> {
            var b = DynamoDbClient.builder().httpClient(http).region(region).credentialsProvider(creds);
            if (settings.dynamoEndpoint() != null) {
                b.endpointOverride(settings.dynamoEndpoint());
            }
            return b.build();
        });
    }

    public AwsSettings settings() {
        return settings;
    }

    /**
     * Sizes the JDK's keep-alive cache, which the URL-connection client uses, unless whoever runs the JVM set it. The
     * JDK reads the property once, when it first keeps a connection, so this runs before the clients make a request;
     * in a JVM that had already kept one (a Jenkins agent, say) it changes nothing.
     */
    static void keepAliveForParallelRequests() {
        System.getProperties().putIfAbsent(KEEP_ALIVE_PROPERTY, Integer.toString(KEEP_ALIVE_CONNECTIONS));
    }

    /**
     * Starts building every client now, each on a thread of its own, for a caller that needs them all at once (the
     * index server at start): building one takes a few hundred milliseconds of CPU on a cold JVM, so on two cores
     * they are ready sooner side by side (serve's first answer about 5 % sooner here). A caller that asks for a client
     * waits for its build; a build that fails here is tried again, and fails visibly, when the client is asked for.
     */
    public AwsClients buildAhead() {
        ThreadFactory threads = DaemonThreads.named("pypub aws client");
        for (Lazy<?> client : List.of(dynamo, s3, presigner)) {
            threads.newThread(() -> {
                try {
                    client.get();
                } catch (RuntimeException e) {
                    // reported to the caller that asks for this client
                }
            }).start();
        }
        return this;
    }

    public S3Client s3() {
        return s3.get();
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    public S3Presigner presigner() {
        return presigner.get();
    }

    @Override
    public void close() {
        s3.close(S3Client::close);
        dynamo.close(DynamoDbClient::close);
        presigner.close(S3Presigner::close);
        http.close();
    }

    /** A value built once, on first use, by whichever thread asks first; never after it was closed. */
    private static final class Lazy<T> {
        private final Supplier<T> build;
        private volatile T value;
        private boolean closed;

        Lazy(Supplier<T> build) {
            this.build = build;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        if (closed) {
                            throw new IllegalStateException("The AWS clients are closed");
                        }
                        value = v = build.get();
                    }
                }
            }
            return v;
        }

        /** Closes the value if it was built (waiting for a build in progress); later asks fail. */
        synchronized void close(Consumer<T> action) {
            closed = true;
            if (value != null) {
                action.accept(value);
            }
        }
    }
}
