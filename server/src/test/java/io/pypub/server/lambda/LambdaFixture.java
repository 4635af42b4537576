package io.pypub.server.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import io.pypub.server.index.IndexService;
import io.pypub.server.index.IndexSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A fresh deployment on the test S3/DynamoDB servers, and Lambda handlers invoked on it the way the runtime does. */
final class LambdaFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestEnvironment env = TestEnvironment.get();
    final Deployment deployment = env.newDeployment();
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** A handler over the fixture's deployment, with downloads served as configured. */
    IndexLambdaHandler handler(IndexSettings.DownloadMode mode) {
        IndexSettings defaults = IndexSettings.defaults();
        return new IndexLambdaHandler(new IndexService(deployment.clients(),
                new IndexSettings(mode, defaults.presignTtl(), defaults.cacheTtl())));
    }

    /** The function's environment on the fixture's deployment, as its configuration sets it; a test adds its own settings. */
    Map<String, String> lambdaEnvironment() {
        var settings = deployment.settings();
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", settings.region());
        env.put("PYPUB_BUCKET", settings.bucket());
        env.put("PYPUB_PREFIX", settings.prefix());
        env.put("PYPUB_VERSION_TABLE", settings.versionTable());
        env.put("PYPUB_ACCESS_TABLE", settings.accessTable());
        env.put("PYPUB_S3_ENDPOINT", settings.s3Endpoint().toString());
        env.put("PYPUB_DYNAMODB_ENDPOINT", settings.dynamoEndpoint().toString());
        return env;
    }

    PublishResult publish(Path project, String stage) {
        return deployment.pipeline().publish(PublishRequest.builder(project, Stage.of(stage))
                .python(env.python().python().toString())
                .buildIsolation(false)
                .publishedBy("test")
                .build(), new RecordingLog());
    }

    /** Invokes the handler with the event's JSON as the input stream and parses what it wrote. */
    static Result invoke(IndexLambdaHandler handler, HttpApiEvents event) {
        return invoke(handler, event.toJson());
    }

    static Result invoke(IndexLambdaHandler handler, byte[] eventJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(eventJson), out, null);
            return new Result(JSON.readTree(out.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<byte[]> fetch(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        deployment.close();
    }

    /** The response JSON as API Gateway would read it. */
    record Result(JsonNode json) {
        int status() {
            return json.get("statusCode").asInt();
        }

        String header(String name) {
            JsonNode v = json.path("headers").get(name);
            return v == null ? null : v.asText();
        }

        boolean base64() {
            return json.path("isBase64Encoded").asBoolean();
        }

        /** The body bytes API Gateway sends: base64-decoded when flagged. */
        byte[] sentBytes() {
            String body = json.path("body").asText();
            return base64() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        }

        /** The body the client reads: {@link #sentBytes}, inflated when the page came gzipped (the events accept gzip, as pip does). */
        byte[] bodyBytes() {
            byte[] sent = sentBytes();
            if (!"gzip".equals(header("Content-Encoding"))) {
                return sent;
            }
            try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(sent))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String body() {
            return new String(bodyBytes(), StandardCharsets.UTF_8);
        }
    }
}
