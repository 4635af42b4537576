package io.pypub.core.version;

import io.pypub.core.project.ProjectName;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version with the same parsing, normalization and ordering as Python's
 * {@code packaging.version.Version} (checked differentially in the test suite).
 *
 * <p>Deliberately stricter than packaging in two ways: input is ASCII only (Python's Unicode
 * case folding and {@code \s} also accept a dotless i U+0131 in a local label, a long s U+017F
 * in "post", or a leading U+001C, which would put odd text into storage keys and logs) and at
 * most 128 characters long.
 */
public final class Version implements Comparable<Version> {
    // The regular expression of PEP 440 appendix B / packaging.version.VERSION_PATTERN.
    private static final Pattern PATTERN = Pattern.compile(
            "^\\s*v?"
                    + "(?:(?<epoch>[0-9]+)!)?"
                    + "(?<release>[0-9]+(?:\\.[0-9]+)*)"
                    + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
                    + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
                    + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?"
                    + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?"
                    + "\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_LENGTH = 128;

    private final BigInteger epoch;
    private final List<BigInteger> release;
    private final String preLabel; // a, b, rc or null
    private final BigInteger preNumber;
    private final BigInteger post; // null when absent
    private final BigInteger dev; // null when absent
    private final List<String> local; // empty when absent
    private final String normalized;

    private Version(Matcher m) {
        epoch = m.group("epoch") == null ? BigInteger.ZERO : new BigInteger(m.group("epoch"));
        List<BigInteger> parts = new ArrayList<>();
        for (String p : m.group("release").split("\\.")) {
            parts.add(new BigInteger(p));
        }
        release = Collections.unmodifiableList(parts);
        if (m.group("pre") != null) {
            preLabel = canonicalPreLabel(m.group("prel").toLowerCase(Locale.ROOT));
            preNumber = number(m.group("pren"));
        } else {
            preLabel = null;
            preNumber = null;
        }
        if (m.group("post") != null) {
            post = number(m.group("postn1") != null ? m.group("postn1") : m.group("postn2"));
        } else {
            post = null;
        }
        dev = m.group("dev") != null ? number(m.group("devn")) : null;
        local = m.group("local") == null ? List.of() : localSegments(m.group("local"));
        normalized = render();
    }

    /** Parses a version; throws {@link IllegalArgumentException} with a readable reason if it is not PEP 440. */
    public static Version parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Invalid version '" + ProjectName.printable(text)
                    + "': not a PEP 440 version (too long)");
        }
        Matcher m = PATTERN.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid version '" + ProjectName.printable(text)
                    + "': not a PEP 440 version (e.g. 1.2.0, 1.2.0rc1, 1.2.0.post1, 1.2.0.dev3)");
        }
        return new Version(m);
    }

    public static boolean isValid(String text) {
        return text != null && text.length() <= MAX_LENGTH && PATTERN.matcher(text).matches();
    }

    private static String canonicalPreLabel(String label) {
        return switch (label) {
            case "alpha", "a" -> "a";
            case "beta", "b" -> "b";
            default -> "rc"; // c, pre, preview, rc
        };
    }

    /**
     * Lower-cases letters and reads numeric segments as numbers, as packaging does: {@code +01}
     * is {@code +1}, so equal versions have one normalized form (and one storage key).
     */
    private static List<String> localSegments(String local) {
        List<String> segments = new ArrayList<>();
        for (String part : local.toLowerCase(Locale.ROOT).split("[-_.]")) {
            segments.add(isNumeric(part) ? new BigInteger(part).toString() : part);
        }
        return List.copyOf(segments);
    }

    private static boolean isNumeric(String segment) {
        return segment.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }

    private String render() {
        StringBuilder sb = new StringBuilder();
        if (epoch.signum() != 0) {
            sb.append(epoch).append('!');
        }
        for (int i = 0; i < release.size(); i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(release.get(i));
        }
        if (preLabel != null) {
            sb.append(preLabel).append(preNumber);
        }
        if (post != null) {
            sb.append(".post").append(post);
        }
        if (dev != null) {
            sb.append(".dev").append(dev);
        }
        if (!local.isEmpty()) {
            sb.append('+').append(String.join(".", local));
        }
        return sb.toString();
    }

    public boolean isPreRelease() {
        return preLabel != null || dev != null;
    }

    public boolean isDevRelease() {
        return dev != null;
    }

    public boolean hasLocal() {
        return !local.isEmpty();
    }

    /** The canonical form, e.g. {@code 1.0a1.post2.dev3+abc.1}; used in storage keys and URLs. */
    public String normalized() {
        return normalized;
    }

    @Override
    public int compareTo(Version o) {
        int c = epoch.compareTo(o.epoch);
        if (c != 0) {
            return c;
        }
        c = compareRelease(release, o.release);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(preRank(), o.preRank());
        if (c != 0) {
            return c;
        }
        if (preRank() == 1) {
            c = preLabel.compareTo(o.preLabel); // "a" < "b" < "rc"
            if (c == 0) {
                c = preNumber.compareTo(o.preNumber);
            }
            if (c != 0) {
                return c;
            }
        }
        c = compareNullsFirst(post, o.post);
        if (c != 0) {
            return c;
        }
        c = compareNullsLast(dev, o.dev);
        if (c != 0) {
            return c;
        }
        return compareLocal(local, o.local);
    }

    /** 0: a dev release with neither pre nor post sorts before every pre-release; 1: pre-release; 2: final. */
    private int preRank() {
        if (preLabel == null && post == null && dev != null) {
            return 0;
        }
        return preLabel != null ? 1 : 2;
    }

    private static int compareRelease(List<BigInteger> a, List<BigInteger> b) {
        // Trailing zeros do not count: 1.0 == 1.0.0.
        int n = Math.max(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareNullsFirst(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == b ? 0 : (a == null ? -1 : 1);
        }
        return a.compareTo(b);
    }

    private static int compareNullsLast(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == b ? 0 : (a == null ? 1 : -1);
        }
        return a.compareTo(b);
    }

    private static int compareLocal(List<String> a, List<String> b) {
        // No local part sorts first; numeric segments sort after alphanumeric ones; a shorter
        // local that is a prefix of a longer one sorts first.
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            String x = a.get(i);
            String y = b.get(i);
            boolean xNum = isNumeric(x);
            boolean yNum = isNumeric(y);
            int c;
            if (xNum && yNum) {
                c = new BigInteger(x).compareTo(new BigInteger(y));
            } else if (xNum != yNum) {
                c = xNum ? 1 : -1;
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        // Consistent with equals: drop trailing zeros from the release before hashing.
        List<BigInteger> r = new ArrayList<>(release);
        while (r.size() > 1 && r.get(r.size() - 1).signum() == 0) {
            r.remove(r.size() - 1);
        }
        return Objects.hash(epoch, r, preLabel, preNumber, post, dev, local);
    }

    @Override
    public String toString() {
        return normalized;
    }
}
