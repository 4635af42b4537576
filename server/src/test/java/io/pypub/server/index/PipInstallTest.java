package io.pypub.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.python.PythonEnvironment;
import io.pypub.core.testing.TestEnvironment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The foundation's promise: what the core pipeline publishes, real pip installs from the index. */
class PipInstallTest {

    @Test
    void pipInstallsThePublishedExampleFromTheIndexAndItImports() {
        try (IndexFixture index = new IndexFixture()) {
            index.publish(index.env.copyOfExample("hello-package"), "dev");

            PythonEnvironment client = index.env.freshClientVenv();
            // --isolated: ignore this machine's pip.conf and PIP_* so only our index can satisfy the install.
            String pipOut = TestEnvironment.run(List.of(client.python().toString(), "-m", "pip", "install", "--isolated",
                    "--disable-pip-version-check", "--no-cache-dir", "--index-url", index.url("/dev/simple/"), "hello-package"));
            assertThat(pipOut).contains("Successfully installed hello-package-0.1.0");

            String greeting = TestEnvironment.run(List.of(client.python().toString(), "-c",
                    "import hello_package; print(hello_package.greet('pip'))"));
            assertThat(greeting.strip()).isEqualTo("Hello, pip!");
        }
    }
}
