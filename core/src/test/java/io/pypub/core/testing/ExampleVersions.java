package io.pypub.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies of examples/hello-package at other versions, for tests that need a release history. */
public final class ExampleVersions {
    private ExampleVersions() {}

    /** hello-package at {@code version}; with a {@code greeting} other than "Hello" its bytes differ from the plain one. */
    public static Path helloPackage(TestEnvironment env, String version, String greeting) {
        Path dir = env.copyOfExample("hello-package");
        replace(dir.resolve("pyproject.toml"), "version = \"0.1.0\"", "version = \"" + version + "\"");
        Path init = dir.resolve("src/hello_package/__init__.py");
        replace(init, "__version__ = \"0.1.0\"", "__version__ = \"" + version + "\"");
        if (greeting != null) {
            replace(init, "Hello, {name}!", greeting + ", {name}!");
        }
        return dir;
    }

    private static void replace(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            if (!text.contains(from)) {
                throw new AssertionError(file + " no longer contains '" + from + "': update ExampleVersions");
            }
            Files.writeString(file, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
