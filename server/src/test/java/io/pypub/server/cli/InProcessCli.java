package io.pypub.server.cli;

import io.pypub.core.testing.Deployment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The pypub command line run in the test's JVM: what it prints captured, stdin given, a deployment named. */
final class InProcessCli {
    private InProcessCli() {}

    /** {@code args} followed by the options that point the CLI at {@code d}'s bucket, tables and local servers. */
    static String[] on(Deployment d, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bucket", d.settings().bucket(), "--version-table", d.settings().versionTable(),
                "--access-table", d.settings().accessTable(), "--s3-endpoint", d.settings().s3Endpoint().toString(),
                "--dynamodb-endpoint", d.settings().dynamoEndpoint().toString()));
        return all.toArray(String[]::new);
    }

    /** Runs {@code pypub ARGS} with {@code stdin} (or nothing) as input; stdout and stderr go to the buffers (reset first). */
    static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String stdin, String... args) {
        out.reset();
        err.reset();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
        try {
            return PypubCli.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }
}
