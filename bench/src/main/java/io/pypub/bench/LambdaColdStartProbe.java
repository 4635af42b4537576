package io.pypub.bench;

import io.pypub.server.lambda.IndexLambdaHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * One cold start of the index Lambda handler in a new JVM, as the Lambda runtime drives it: the
 * runtime's no-argument constructor (init phase, configuration from the environment), optionally
 * the SnapStart priming hook, then the first real request (a simple page with a key, against the
 * local S3/DynamoDB servers) and a second one. Prints one RESULT line of milliseconds.
 * Arguments: {@code primed} or {@code plain}. The key comes in PYPUB_BENCH_KEY and is never printed.
 */
public final class LambdaColdStartProbe {
    private LambdaColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        boolean primed = args.length > 0 && args[0].equals("primed");
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        IndexLambdaHandler handler = new IndexLambdaHandler();
        long t1 = System.nanoTime();
        if (primed) {
            handler.prime();
        }
        long t2 = System.nanoTime();
        String key = System.getenv("PYPUB_BENCH_KEY");
        String path = System.getenv("PYPUB_BENCH_PATH");
        int status = invoke(handler, path, key, "first");
        long t3 = System.nanoTime();
        invoke(handler, path, key, "second");
        long t4 = System.nanoTime();
        System.out.printf("RESULT jvm_to_main=%d init=%d prime=%d first=%d second=%d status=%d%n",
                mainMillis - jvmStartMillis, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                (t4 - t3) / 1_000_000, status);
    }

    private static int invoke(IndexLambdaHandler handler, String path, String key, String id) throws Exception {
        String event = """
                {"version":"2.0","routeKey":"$default","rawPath":"%s","rawQueryString":"",
                 "headers":{"accept":"application/vnd.pypi.simple.v1+json","authorization":"Bearer %s","user-agent":"pip/25.3"},
                 "requestContext":{"requestId":"%s","stage":"$default","http":{"method":"GET","path":"%s","protocol":"HTTP/1.1",
                   "sourceIp":"198.51.100.7","userAgent":"pip/25.3"}},"isBase64Encoded":false}
                """.formatted(path, key, id, path);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        String response = out.toString(StandardCharsets.UTF_8);
        int at = response.indexOf("\"statusCode\":");
        return Integer.parseInt(response.substring(at + 13, response.indexOf(',', at)).strip());
    }
}
