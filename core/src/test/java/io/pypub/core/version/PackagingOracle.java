package io.pypub.core.version;

import io.pypub.core.testing.TestEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks Python's {@code packaging.version.Version} about many candidate strings in one real
 * interpreter process: whether each is valid, its {@code str()}, its flags and its dense rank
 * in {@code sorted()} (equal versions, by packaging's {@code ==}, share a rank).
 */
final class PackagingOracle {
    /** Python's verdict on one candidate; {@code rank} is -1 and the rest empty when it is invalid. */
    record Verdicts(String packagingVersion, List<Verdict> list) {}

    record Verdict(boolean valid, String normalized, boolean preRelease, boolean devRelease, boolean local, int rank) {}

    // JSON in and out, so whitespace and control characters in candidates survive unchanged.
    private static final String SCRIPT = """
            import json, sys
            import packaging
            from packaging.version import Version, InvalidVersion
            with open(sys.argv[1], encoding="utf-8") as f:
                candidates = json.load(f)
            out, parsed = [], []
            for i, s in enumerate(candidates):
                try:
                    v = Version(s)
                except InvalidVersion:
                    out.append(None)
                    continue
                parsed.append((v, i))
                out.append({"str": str(v), "pre": v.is_prerelease, "dev": v.is_devrelease,
                            "local": v.local is not None})
            parsed.sort(key=lambda p: p[0])
            rank, prev = -1, None
            for v, i in parsed:
                if prev is None or v != prev:
                    assert prev is None or prev < v, (str(prev), str(v))
                    rank += 1
                out[i]["rank"] = rank
                prev = v
            with open(sys.argv[2], "w", encoding="utf-8") as f:
                json.dump({"packaging": packaging.__version__, "verdicts": out}, f)
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PackagingOracle() {}

    static Verdicts judge(Path python, List<String> candidates) throws IOException, InterruptedException {
        Path dir = TestEnvironment.tempDir("pypub-version-oracle-");
        try {
            Path in = dir.resolve("candidates.json");
            Path out = dir.resolve("verdicts.json");
            Path script = dir.resolve("oracle.py");
            JSON.writeValue(in.toFile(), candidates);
            Files.writeString(script, SCRIPT);
            Process p = new ProcessBuilder(python.toString(), script.toString(), in.toString(), out.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("packaging oracle timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("packaging oracle failed (exit " + p.exitValue() + "):\n" + output);
            }
            JsonNode root = JSON.readTree(out.toFile());
            JsonNode results = root.get("verdicts");
            List<Verdict> verdicts = new ArrayList<>(results.size());
            for (JsonNode r : results) {
                verdicts.add(r.isNull()
                        ? new Verdict(false, null, false, false, false, -1)
                        : new Verdict(true, r.get("str").asText(), r.get("pre").asBoolean(), r.get("dev").asBoolean(),
                                r.get("local").asBoolean(), r.get("rank").asInt()));
            }
            if (verdicts.size() != candidates.size()) {
                throw new IllegalStateException("oracle returned " + verdicts.size() + " verdicts for " + candidates.size());
            }
            return new Verdicts(root.get("packaging").asText(), verdicts);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
