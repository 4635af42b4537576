package io.pypub.server.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.server.access.RequestGuard;
import io.pypub.server.index.IndexRequest;
import io.pypub.server.index.IndexResponse;
import io.pypub.server.index.IndexService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    private final IndexService service;

    /** Called by the Lambda runtime. */
    public IndexLambdaHandler() {
        this(sharedService());
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
        // The stages' upstreams (issue 14) from the same variables as `pypub serve`: PYPUB_UPSTREAM, PYPUB_UPSTREAM_MODE, ...
        io.pypub.core.upstream.UpstreamSettings upstreams = io.pypub.core.upstream.UpstreamSettings.fromEnvironment(env);
        upstreams.describe().forEach(line -> LOG.info("Upstream of {}", line));
        return new IndexService(clients, config.index(), RequestGuard.forDeployment(clients, config.access()), upstreams);
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
