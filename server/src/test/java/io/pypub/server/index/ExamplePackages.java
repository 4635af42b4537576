package io.pypub.server.index;

import io.pypub.core.publish.PublishRequest;
import io.pypub.core.publish.PublishResult;
import io.pypub.core.release.Stage;
import io.pypub.core.testing.RecordingLog;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The example projects in the shapes the client tests need (more versions, other names), published
 * to an {@link IndexFixture}, and a stand-in for the lifecycle {@code yank} command.
 */
final class ExamplePackages {
    private ExamplePackages() {}

    /** A copy of examples/hello-package at {@code version} (pyproject.toml and {@code __version__}). */
    static Path helloPackage(TestEnvironment env, String version) {
        Path dir = env.copyOfExample("hello-package");
        replace(dir.resolve("pyproject.toml"), "version = \"0.1.0\"", "version = \"" + version + "\"");
        replace(dir.resolve("src/hello_package/__init__.py"), "__version__ = \"0.1.0\"", "__version__ = \"" + version + "\"");
        return dir;
    }

    /** A copy of examples/hello-package under another project name and Requires-Python. */
    static Path renamed(TestEnvironment env, String name, String version, String requiresPython) {
        Path dir = helloPackage(env, version);
        replace(dir.resolve("pyproject.toml"), "name = \"hello-package\"", "name = \"" + name + "\"");
        replace(dir.resolve("pyproject.toml"), "requires-python = \">=3.9\"", "requires-python = \"" + requiresPython + "\"");
        return dir;
    }

    /** Publishes without docs: the client tests are about the index, and pdoc would need the dependencies installed. */
    static PublishResult publish(IndexFixture index, Path project, String stage) {
        return index.deployment.pipeline().publish(PublishRequest.builder(project, Stage.of(stage))
                .python(index.env.python().python().toString())
                .buildIsolation(false)
                .docs(false)
                .publishedBy("test")
                .build(), new RecordingLog());
    }

    /**
     * Marks a recorded release yanked with a direct UpdateItem on its release item, as the lifecycle
     * {@code yank} command will (that command also moves {@code latest}, which the simple API ignores).
     */
    static void yank(IndexFixture index, String stage, String project, String version, String reason) {
        var values = new java.util.HashMap<String, AttributeValue>();
        values.put(":y", AttributeValue.fromBool(true));
        String update = "SET yanked = :y";
        if (reason != null) {
            values.put(":r", AttributeValue.fromS(reason));
            update += ", yank_reason = :r";
        }
        String expression = update;
        index.deployment.clients().dynamo().updateItem(b -> b.tableName(index.deployment.settings().versionTable())
                .key(Map.of("pk", AttributeValue.fromS(stage + "#" + project), "sk", AttributeValue.fromS("v#" + version)))
                .conditionExpression("attribute_exists(pk)")
                .updateExpression(expression)
                .expressionAttributeValues(values));
    }

    /** Polls a page until it shows what a change made (the index caches table reads for up to 1 s). */
    static String awaitPage(IndexFixture index, String path, String accept, Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body;
        do {
            body = new String(index.get(path, "Accept", accept).body(), java.nio.charset.StandardCharsets.UTF_8);
            if (ready.test(body)) {
                return body;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("The index did not show the change within 10 s: " + path + "\n" + body);
    }

    private static void replace(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            if (!text.contains(from)) {
                throw new IllegalStateException(file + " has no '" + from + "'");
            }
            Files.writeString(file, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
