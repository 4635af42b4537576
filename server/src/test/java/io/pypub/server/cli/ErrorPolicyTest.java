package io.pypub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.error.UserError;
import io.pypub.core.inspect.InvalidDistributionException;
import io.pypub.core.storage.PublishConflictException;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, "one error policy": one base type ({@link UserError}) for failures a user can act on, and
 * one rule ({@link UserError#messageOf}) that the command line and the Jenkins steps both apply.
 */
class ErrorPolicyTest {

    @Test
    void everyExceptionTypeOfCoreIsAUserError() throws Exception {
        Path classes = TestEnvironment.repoRoot().resolve("core/target/classes");
        List<String> types;
        try (Stream<Path> files = Files.walk(classes)) {
            types = files.map(f -> classes.relativize(f).toString()).filter(f -> f.endsWith("Exception.class"))
                    .map(f -> f.substring(0, f.length() - 6).replace('/', '.')).toList();
        }
        assertThat(types).contains("io.pypub.core.inspect.InvalidDistributionException", "io.pypub.core.config.ConfigException");
        for (String type : types) {
            Class<?> c = Class.forName(type);
            if (RuntimeException.class.isAssignableFrom(c)) {
                assertThat(UserError.class).as(type + " implements UserError").isAssignableFrom(c);
            }
        }
    }

    @Test
    void theCommandLineShowsTheMessageOfEveryUserErrorAsItIsAndTheRestAsABug() {
        // These two printed stack traces before (issue 12).
        assertThat(PypubCli.describe(new InvalidDistributionException("hello_package-0.1.0.tar.gz has no PKG-INFO")))
                .isEqualTo("hello_package-0.1.0.tar.gz has no PKG-INFO");
        assertThat(PypubCli.describe(new PublishConflictException("another publish of hello-package 0.1.0 is in progress")))
                .isEqualTo("another publish of hello-package 0.1.0 is in progress");
        assertThat(PypubCli.describe(new IllegalArgumentException("Invalid stage 'Prod!'"))).isEqualTo("Invalid stage 'Prod!'");
        assertThat(PypubCli.describe(new NullPointerException("x"))).startsWith("unexpected NullPointerException: x at ")
                .contains("a bug in pypub");
        assertThat(UserError.messageOf(new NullPointerException("x"))).isNull();
    }
}
