package io.pypub.core.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.TestEnvironment;
import io.pypub.core.version.PackagingOracle.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * pip decides what "latest" and "newest matching" mean with {@code packaging}; the index and
 * the latest pointer must agree with it exactly. So this test runs thousands of generated
 * version strings through both {@link Version} and Python's {@code packaging.version.Version}
 * (the pinned one in the test venv) and compares validity, normalized form, flags and order.
 */
class VersionDifferentialTest {
    private static final long SEED = 440;
    private static final int MAX_REPORTED = 15;

    @Test
    void agreesWithPythonPackaging() throws Exception {
        long start = System.nanoTime();
        List<String> candidates = VersionCorpus.generate(SEED, 4500, 2500);
        PackagingOracle.Verdicts verdicts =
                PackagingOracle.judge(TestEnvironment.pythonEnvironment().python(), candidates);
        List<Verdict> python = verdicts.list();

        List<String> problems = new ArrayList<>();
        List<Integer> bothValid = new ArrayList<>();
        Map<Integer, Version> parsed = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            String s = candidates.get(i);
            Verdict py = python.get(i);
            boolean valid = Version.isValid(s);
            if (valid != py.valid()) {
                problems.add(show(s) + ": Java valid=" + valid + ", Python valid=" + py.valid()
                        + (py.valid() ? " as " + show(py.normalized()) : ""));
                continue;
            }
            if (!valid) {
                continue;
            }
            Version v = Version.parse(s);
            parsed.put(i, v);
            bothValid.add(i);
            if (!v.normalized().equals(py.normalized())) {
                problems.add(show(s) + ": Java normalized " + show(v.normalized()) + ", Python str() " + show(py.normalized()));
            }
            if (v.isPreRelease() != py.preRelease() || v.isDevRelease() != py.devRelease() || v.hasLocal() != py.local()) {
                problems.add(show(s) + ": flags pre/dev/local Java " + v.isPreRelease() + "/" + v.isDevRelease() + "/"
                        + v.hasLocal() + ", Python " + py.preRelease() + "/" + py.devRelease() + "/" + py.local());
            }
        }
        problems.addAll(orderProblems(candidates, python, bothValid, parsed));

        long validCount = python.stream().filter(Verdict::valid).count();
        long classes = python.stream().filter(Verdict::valid).map(Verdict::rank).distinct().count();
        System.out.printf("[version-diff] packaging %s: %d candidates, %d valid (%d distinct versions), %d invalid, in %d ms%n",
                verdicts.packagingVersion(), candidates.size(), validCount, classes, candidates.size() - validCount,
                (System.nanoTime() - start) / 1_000_000);

        // The corpus must really exercise all three outcomes, or agreement proves little.
        assertThat(validCount).isGreaterThan(4000);
        assertThat(candidates.size() - validCount).isGreaterThan(1000);
        assertThat(classes).as("equal versions in the corpus").isLessThan(validCount - 500);
        assertThat(problems)
                .withFailMessage(() -> problems.size() + " disagreements with packaging " + verdicts.packagingVersion()
                        + ", first ones:\n  " + String.join("\n  ", problems.subList(0, Math.min(MAX_REPORTED, problems.size()))))
                .isEmpty();
    }

    /**
     * Sorts the versions both sides accept with Java's compareTo and checks that each one's dense
     * rank equals Python's (so equal stays equal and the order is identical), and that versions
     * Java calls equal also have equal hash codes.
     */
    private static List<String> orderProblems(List<String> candidates, List<Verdict> python, List<Integer> indices,
            Map<Integer, Version> parsed) {
        // Python ranked all versions it accepts; re-number over the ones both sides accept.
        List<Integer> pyRanks = new ArrayList<>(new TreeSet<>(indices.stream().map(i -> python.get(i).rank()).toList()));
        Map<Integer, Integer> pyDense = new HashMap<>();
        for (int r = 0; r < pyRanks.size(); r++) {
            pyDense.put(pyRanks.get(r), r);
        }

        List<Integer> sorted = new ArrayList<>(indices);
        sorted.sort(Comparator.comparing(parsed::get));
        List<String> problems = new ArrayList<>();
        int rank = -1;
        Version prev = null;
        for (int i : sorted) {
            Version v = parsed.get(i);
            if (prev == null || v.compareTo(prev) != 0) {
                rank++;
            } else if (!v.equals(prev) || v.hashCode() != prev.hashCode()) {
                problems.add(show(candidates.get(i)) + " compares equal to " + show(prev.normalized())
                        + " but equals/hashCode disagree");
            }
            int expected = pyDense.get(python.get(i).rank());
            if (rank != expected) {
                problems.add(show(candidates.get(i)) + " (" + v + "): Java sorts it at rank " + rank + " of "
                        + pyRanks.size() + ", Python at " + expected + neighbours(sorted, parsed, i));
            }
            prev = v;
        }
        return problems;
    }

    private static String neighbours(List<Integer> sorted, Map<Integer, Version> parsed, int index) {
        int at = sorted.indexOf(index);
        String before = at > 0 ? parsed.get(sorted.get(at - 1)).normalized() : "-";
        String after = at + 1 < sorted.size() ? parsed.get(sorted.get(at + 1)).normalized() : "-";
        return " (Java neighbours: " + before + " < it < " + after + ")";
    }

    /** Quotes a candidate with control characters escaped, so failures are readable. */
    private static String show(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (char ch : s.toCharArray()) {
            if (ch < 0x20 || ch > 0x7e) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.append('\'').toString();
    }
}
