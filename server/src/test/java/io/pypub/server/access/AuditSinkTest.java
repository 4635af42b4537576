package io.pypub.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The buffered audit file of {@code pypub serve --audit-log}: whole lines, nothing lost on close, nothing held back for long. */
class AuditSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void concurrentLinesArriveWholeAndAllOfThemAreThereAfterClose() throws Exception {
        Path file = TestEnvironment.tempDir("audit-sink").resolve("logs/audit.log");
        int threads = 8;
        int perThread = 5_000;
        AuditSink sink = AuditSink.file(file);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    // Long enough that lines straddle the 64 KB buffer many times.
                    sink.write(JSON.createObjectNode().put("thread", id).put("n", i).put("pad", "x".repeat(i % 300)).toString());
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        sink.close();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(threads * perThread);
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            JsonNode n = JSON.readTree(line); // a torn or interleaved line would not parse
            assertThat(seen.add(n.get("thread").asInt() + "/" + n.get("n").asInt())).isTrue();
        }
    }

    @Test
    void aLineReachesTheFileWithinTheFlushIntervalWithoutClose() throws Exception {
        Path file = TestEnvironment.tempDir("audit-sink-flush").resolve("audit.log");
        Files.writeString(file, "{\"earlier\":true}\n"); // appended to, never truncated
        AuditSink sink = AuditSink.file(file);
        try {
            sink.write("{\"status\":200}");
            long deadline = System.nanoTime() + AuditSink.FLUSH_INTERVAL.multipliedBy(5).toNanos();
            while (Files.readAllLines(file).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readAllLines(file)).containsExactly("{\"earlier\":true}", "{\"status\":200}");
        } finally {
            sink.close();
        }
    }

    @Test
    void serveModeSendsOtherAuditLoggerLinesToTheSameFileAndGivesTheLoggerBackOnClose() throws Exception {
        Path file = TestEnvironment.tempDir("audit-log-forward").resolve("audit.log");
        LogCapture capture = LogCapture.attach();
        try {
            AuditLog.toFile(file);
            org.slf4j.LoggerFactory.getLogger(AuditLog.LOGGER).info("{\"operation\":\"keys create\"}"); // e.g. a lifecycle line
            AuditLog.rejectedBeforeRouting("GET", "/dev/simple/?key=pypub_abcdefghij_secret", "10.0.0.1", 400, "bad request");
            AuditLog.close();

            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("{\"operation\":\"keys create\"}");
            assertThat(JSON.readTree(lines.get(1)).get("status").asInt()).isEqualTo(400);
            assertThat(capture.auditLines).isEmpty(); // while the file had them, the logger's appenders did not

            org.slf4j.LoggerFactory.getLogger(AuditLog.LOGGER).info("{\"after\":true}");
            assertThat(capture.auditLines).containsExactly("{\"after\":true}");
            assertThat(Files.readAllLines(file)).hasSize(2);
        } finally {
            AuditLog.close();
            capture.stop();
        }
    }
}
