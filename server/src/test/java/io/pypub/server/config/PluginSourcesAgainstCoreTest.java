package io.pypub.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The plugin builds only with Jenkins' own repository (-Pjenkins), which this build cannot reach, so a change to
 * core could break it unseen until the next run in a real Jenkins. This compiles the plugin's sources against
 * core's classes alone: every Jenkins symbol is missing (those errors are expected and ignored), but a call to a
 * core method that no longer exists, a changed signature or a wrong type is still reported by javac, and fails here.
 */
class PluginSourcesAgainstCoreTest {
    /** Errors that only say a Jenkins (or other plugin-side) class is not on this classpath. */
    private static final Set<String> MISSING_JENKINS = Set.of(
            "compiler.err.doesnt.exist",
            "compiler.err.method.does.not.override.superclass",
            "compiler.err.static.imp.only.classes.and.interfaces");

    @Test
    void thePluginsSourcesAgreeWithCoresApi() throws IOException {
        Path root = TestEnvironment.repoRoot();
        List<Path> sources = javaFiles(root.resolve("plugin/src/main/java"));
        sources.addAll(javaFiles(root.resolve("plugin/src/test/java")));
        assertThat(sources).as("the plugin's sources").hasSizeGreaterThan(20);

        List<String> problems = coreApiProblems(sources, List.of());
        assertThat(problems).as("plugin sources that no longer compile against core (fix the plugin with the core change)").isEmpty();
    }

    @Test
    void aCallToACoreMethodThatDoesNotExistIsCaught() throws IOException {
        // The check itself: a plugin-side class that uses Jenkins (missing here) and a core method that is not there.
        JavaFileObject broken = new SimpleJavaFileObject(URI.create("string:///io/pypub/jenkins/Broken.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return """
                        package io.pypub.jenkins;
                        import hudson.model.TaskListener;
                        final class Broken {
                            TaskListener listener;
                            String stage() { return io.pypub.core.release.Stage.of("dev").noSuchMethod(); }
                            int wrongType() { return io.pypub.core.release.Stage.of("dev"); }
                        }
                        """;
            }
        };
        List<String> problems = coreApiProblems(List.of(), List.of(broken));
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("noSuchMethod");
        assertThat(problems.get(1)).contains("incompatible types");
    }

    /** javac's errors for these sources, without the ones that only say a Jenkins class is missing. */
    private static List<String> coreApiProblems(List<Path> files, List<JavaFileObject> more) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("plugin-against-core-");
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<JavaFileObject> units = new ArrayList<>(more);
            fm.getJavaFileObjectsFromPaths(files).forEach(units::add);
            List<String> options = List.of("-proc:none", "-Xmaxerrs", "100000", "-d", out.toString(),
                    "-classpath", System.getProperty("java.class.path"));
            javac.getTask(null, fm, diagnostics, options, null, units).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR || MISSING_JENKINS.contains(d.getCode())) {
                continue;
            }
            String message = d.getMessage(Locale.ROOT);
            if (d.getCode().startsWith("compiler.err.cant.resolve") && !message.contains("io.pypub.core")) {
                continue; // a Jenkins class, method or variable that is not on this classpath
            }
            problems.add((d.getSource() == null ? "?" : d.getSource().getName()) + ":" + d.getLineNumber() + ": " + message);
        }
        return problems;
    }

    private static List<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return new ArrayList<>(files.filter(f -> f.toString().endsWith(".java")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
