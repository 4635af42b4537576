package io.pypub.server.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import io.pypub.server.index.IndexService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index as an AWS Lambda function behind an API Gateway HTTP API (payload format 2.0), or a
 * Lambda function URL, which sends the same event. Handler:
 * {@code io.pypub.server.lambda.IndexLambdaHandler::handleRequest}.
 *
 * <p>Configuration comes from the environment ({@link LambdaConfiguration}) once per execution
 * environment: the clients and {@link IndexService}'s read cache live in a static field, so warm
 * invocations reuse connections and cached table reads. They are built in the constructor, which
 * Lambda runs during the init phase, so the first request does not pay for it.
 */
public final class IndexLambdaHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IndexLambdaHandler.class);
    private static IndexService shared;
    /** Held here: CRaC keeps registered resources only weakly. */
    private static SnapStartPriming priming;

    /**
     * Requests that {@link #prime()} sends through the whole handler: event parsing, the route model,
     * access control (missing credentials are refused before any storage call), the health route, HEAD
     * and the response writer. None of them reaches S3 or DynamoDB.
     */
    static final List<String> PRIMING_REQUESTS = List.of("GET /healthz", "HEAD /healthz", "GET /prime/simple/",
            "GET /prime/simple/priming/", "GET /prime/priming/latest", "GET /prime/files/priming/1.0/priming-1.0.tar.gz",
            "GET /prime/simple/%2e%2e/");
    /**
     * Then one request with a well-formed key whose id cannot exist (key ids are random base32; this one
     * is all 'a'): the gate reads the access table for it, which loads and runs the AWS SDK's request
     * path (marshalling, SigV4 signing, the HTTP client, response parsing), most of a first request's
     * class loading. It is a read that finds nothing and answers 401; no item is written and no counter
     * moves. The connection it opens may be stale after a restore: the SDK retries on a new one.
     */
    static final String PRIMING_UNKNOWN_KEY = "pypub_" + "a".repeat(10) + "_" + "a".repeat(52);

    private final IndexService service;

    /** Called by the Lambda runtime. */
    public IndexLambdaHandler() {
        this(sharedService());
        registerPriming(this);
    }

    private static synchronized void registerPriming(IndexLambdaHandler handler) {
        if (priming == null) {
            priming = new SnapStartPriming(handler);
            // On Lambda with SnapStart the runtime calls beforeCheckpoint once per published version, after
            // this constructor (the init phase) and before it takes the snapshot; elsewhere nothing calls it.
            org.crac.Core.getGlobalContext().register(priming);
        }
    }

    /**
     * Runs {@link #PRIMING_REQUESTS} through the handler so that the classes and code paths of a request
     * are loaded and initialized (and JIT-compiled a little) before the SnapStart snapshot: the first
     * request after a restore then does not pay for class loading. Returns the status of each request.
     */
    public List<Integer> prime() {
        long start = System.nanoTime();
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            int n = 0;
            List<String> requests = new java.util.ArrayList<>(PRIMING_REQUESTS);
            if (round == 0) {
                requests.add("GET /prime/simple/priming/ KEY");
            }
            for (String request : requests) {
                String[] parts = request.split(" ");
                String event = primingEvent(parts[0], parts[1], "priming-" + round + "-" + n++, parts.length > 2);
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                try {
                    handleRequest(new java.io.ByteArrayInputStream(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out, null);
                    if (round == 0) {
                        statuses.add(PRIMING_JSON.readTree(out.toByteArray()).path("statusCode").asInt());
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        LOG.info("SnapStart priming: {} requests in {} ms, statuses {}", PRIMING_REQUESTS.size() * 3 + 1,
                (System.nanoTime() - start) / 1_000_000, statuses);
        return statuses;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper PRIMING_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** An API Gateway HTTP API payload 2.0 event, shaped like the real ones (see LambdaEventTest). */
    static String primingEvent(String method, String path, String requestId, boolean unknownKey) {
        var root = PRIMING_JSON.createObjectNode();
        root.put("version", "2.0").put("routeKey", "$default").put("rawPath", path).put("rawQueryString", "");
        var headers = root.putObject("headers").put("accept", "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
                .put("user-agent", "pypub-snapstart-priming").put("host", "priming.invalid");
        if (unknownKey) {
            headers.put("authorization", "Bearer " + PRIMING_UNKNOWN_KEY);
        }
        var context = root.putObject("requestContext");
        context.put("requestId", requestId).put("stage", "$default").put("routeKey", "$default");
        context.putObject("http").put("method", method).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", "pypub-snapstart-priming");
        root.put("isBase64Encoded", false);
        return root.toString();
    }

    /** The CRaC resource Lambda SnapStart calls around its snapshot (org.crac delegates to the runtime's CRaC). */
    static final class SnapStartPriming implements org.crac.Resource {
        private final IndexLambdaHandler handler;

        SnapStartPriming(IndexLambdaHandler handler) {
            this.handler = handler;
        }

        @Override
        public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
            handler.prime();
        }

        @Override
        public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
            LOG.info("Restored from the SnapStart snapshot");
        }
    }

    /** For tests and embedders that build the service themselves (any download mode). */
    public IndexLambdaHandler(IndexService service) {
        this.service = service;
    }

    private static synchronized IndexService sharedService() {
        if (shared == null) {
            shared = serviceFrom(System.getenv());
        }
        return shared;
    }

    /** The service as configured by these environment variables; a bad setting throws, naming the variable. */
    static IndexService serviceFrom(Map<String, String> env) {
        LambdaConfiguration config = LambdaConfiguration.fromEnvironment(env);
        AwsSettings aws = config.aws();
        LOG.info("pypub index on bucket {} (prefix '{}'), tables {} and {}, region {}", aws.bucket(), aws.prefix(),
                aws.versionTable(), aws.accessTable(), aws.region());
        AwsClients clients = new AwsClients(aws, null); // credentials: the default chain, i.e. the function's role
        // Access control as in `pypub serve`: on unless PYPUB_NO_AUTH=true. API Gateway's sourceIp is the client already.
        if (!config.access().enabled()) {
            LOG.warn("PYPUB_NO_AUTH=true: serving every stage without API keys or docs logins");
        }
        // The stages' upstreams (issue 14), from the catalogue's variables as in `pypub serve`; credentials redacted.
        config.upstreams().describe().forEach(line -> LOG.info("Upstream of {}", line));
        return new IndexService(clients, config.index(), RequestGuard.forDeployment(clients, config.access()), config.upstreams());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpApiResponse response;
        try {
            response = handle(HttpApiEvent.read(input));
        } catch (InvalidEventException e) {
            // Only a deployment mistake gets here (payload format 1.0, another trigger): say so in the log.
            LOG.error("Not an API Gateway HTTP API payload format 2.0 event: {}", e.getMessage());
            response = HttpApiResponse.of(IndexResponse.text(500, "Misconfigured integration"), false, "(no path)");
        }
        response.writeTo(output);
    }

    private HttpApiResponse handle(HttpApiEvent event) {
        String path = printable(event.rawPath());
        IndexResponse response;
        try {
            IndexRequest request = event.toIndexRequest();
            response = service.handle(request);
        } catch (BadRequestException e) {
            response = IndexResponse.text(400, "Bad request: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed (request id {})", event.method(), path, event.requestId(), e);
            response = IndexResponse.text(500, "Internal error");
        }
        return HttpApiResponse.of(response, event.method().toUpperCase(Locale.ROOT).equals("HEAD"), path);
    }

    /** Client-chosen text for a log line: no control characters, bounded length. */
    private static String printable(String s) {
        String cut = s.length() > 300 ? s.substring(0, 300) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
