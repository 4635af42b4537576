package io.pypub.core.version;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic candidate version strings for the differential test: structured PEP 440
 * versions built from small pools (so many of them compare equal or sit next to each other
 * in the order), random mutations of those (mostly invalid, some still valid), and
 * hand-written edge cases. Python decides which are valid; the corpus only has to be varied.
 *
 * <p>Everything stays within what {@link Version} deliberately restricts: at most 128
 * characters and ASCII only, without the ASCII separators U+001C..U+001F that Python's
 * {@code \s} counts as whitespace (see {@code VersionTest}).
 */
final class VersionCorpus {
    private static final int MAX_LENGTH = 128;

    // Small values dominate so that versions collide; zero-padded and huge ones test number parsing.
    private static final String[] NUMBERS = {
        "0", "0", "1", "1", "1", "2", "2", "3", "9", "10", "11", "00", "01", "007", "2024",
        "4294967296", "18446744073709551616", "999999999999999999999999999999",
    };
    private static final String[] SEPARATORS = {"", "", "", "-", "_", "."};
    private static final String[] PRE_LABELS = {"a", "a", "alpha", "b", "b", "beta", "c", "rc", "rc", "pre", "preview"};
    private static final String[] POST_LABELS = {"post", "post", "rev", "r"};
    private static final String[] LOCAL_SEGMENTS = {
        "abc", "ubuntu", "deadbeef", "z", "a1", "1a", "0", "1", "01", "2", "10", "007", "g1234567", "local",
    };
    private static final String[] WHITESPACE = {" ", "  ", "\t", "\n", "\r\n", "\f", "\u000b"};
    // Characters a mutation may insert: separators, letters of labels, and junk.
    private static final String MUTATION_CHARS = "-_.+!/ ~*,:@#0123456789abcdeilnoprstvxzABCDEPRV";

    private final Random random;

    private VersionCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** {@code structured} generated versions, {@code mutations} mutants and the fixed edge cases, de-duplicated. */
    static List<String> generate(long seed, int structured, int mutations) {
        VersionCorpus c = new VersionCorpus(seed);
        Set<String> out = new LinkedHashSet<>(EDGE_CASES);
        List<String> base = new ArrayList<>();
        while (base.size() < structured) {
            String v = c.version();
            if (v.length() <= MAX_LENGTH && out.add(v)) {
                base.add(v);
            }
        }
        int added = 0;
        while (added < mutations) {
            String m = c.mutate(base.get(c.random.nextInt(base.size())));
            if (m.length() <= MAX_LENGTH && out.add(m)) {
                added++;
            }
        }
        return List.copyOf(out);
    }

    private String version() {
        StringBuilder sb = new StringBuilder();
        if (chance(0.2)) {
            sb.append(pick("0", "1", "1", "2", "01", "10")).append('!');
        }
        int segments = 1 + random.nextInt(random.nextBoolean() ? 3 : 5);
        for (int i = 0; i < segments; i++) {
            sb.append(i == 0 ? "" : ".").append(pick(NUMBERS));
        }
        if (chance(0.3)) { // trailing zeros: 1.2 == 1.2.0 == 1.2.0.0
            sb.append(".0".repeat(1 + random.nextInt(2)));
        }
        if (chance(0.4)) {
            sb.append(pick(SEPARATORS)).append(pick(PRE_LABELS)).append(pick(SEPARATORS));
            if (chance(0.75)) {
                sb.append(pick(NUMBERS));
            }
        }
        if (chance(0.3)) {
            if (chance(0.25)) {
                sb.append('-').append(pick(NUMBERS)); // implicit post release: 1.0-1 == 1.0.post1
            } else {
                sb.append(pick(SEPARATORS)).append(pick(POST_LABELS)).append(pick(SEPARATORS));
                if (chance(0.7)) {
                    sb.append(pick(NUMBERS));
                }
            }
        }
        if (chance(0.3)) {
            sb.append(pick(SEPARATORS)).append("dev").append(pick(SEPARATORS));
            if (chance(0.7)) {
                sb.append(pick(NUMBERS));
            }
        }
        if (chance(0.25)) {
            sb.append('+').append(pick(LOCAL_SEGMENTS));
            int more = random.nextInt(4);
            for (int i = 0; i < more; i++) {
                sb.append(pick("-", "_", ".", ".")).append(pick(LOCAL_SEGMENTS));
            }
        }
        String v = sb.toString();
        if (chance(0.15)) {
            v = randomCase(v);
        }
        if (chance(0.1)) {
            v = pick("v", "V") + v;
        }
        if (chance(0.1)) {
            v = pick(WHITESPACE) + v;
        }
        if (chance(0.1)) {
            v = v + pick(WHITESPACE);
        }
        return v;
    }

    private String mutate(String v) {
        StringBuilder sb = new StringBuilder(v);
        int edits = 1 + random.nextInt(2);
        for (int e = 0; e < edits && !sb.isEmpty(); e++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(4)) {
                case 0 -> sb.insert(at, MUTATION_CHARS.charAt(random.nextInt(MUTATION_CHARS.length())));
                case 1 -> sb.deleteCharAt(at);
                case 2 -> sb.insert(at, sb.charAt(at)); // doubled character, e.g. "1..0", "++"
                default -> sb.setCharAt(at, MUTATION_CHARS.charAt(random.nextInt(MUTATION_CHARS.length())));
            }
        }
        return sb.toString();
    }

    private String randomCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            sb.append(random.nextBoolean() ? Character.toUpperCase(ch) : ch);
        }
        return sb.toString();
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    /** Spots the random generator may miss: empty parts, wrong order, stray characters. */
    private static final List<String> EDGE_CASES = List.of(
            "", " ", "v", "V", "vv1", "1", "0", "00", "000.000", "1.", ".1", "1..0", "1.0.", "1.0-", "1.0_", "1.0+",
            "1.0+.", "1.0+a..b", "1.0+-a", "1.0+a-", "1.0+a+b", "1.0+a b", "1.0 ", " 1.0", "1.0 1", "1,0", "1 .0",
            "1!", "!1.0", "1!!1.0", "-1!1.0", "1!v1.0", "v1!1.0", "1.0a1a1", "1.0a1b1", "1.0rc1.a1", "1.0.post1.a1",
            "1.0.dev1.post1", "1.0.dev1.dev2", "1.0.post1.post2", "1.0--1", "1.0-1-1", "1.0-post", "1.0-rev", "1.0r",
            "1.0-r1", "1.0.r.1", "1.0a", "1.0a.", "1.0.a.1", "1.0-a-1", "1.0_a_1", "1.0.A.1", "1.0ALPHA", "1.0Preview2",
            "1.0pre-view", "1.0alph", "1.0bet", "1.0rc-", "1.0-dev", "1.0.dev", "1.0dev.", "1.0.DEV.7", "1.0dev-0",
            "1.0post1dev", "1.0-1dev1", "1.0-1.dev1", "1.0a1-1", "1.0a1-1.dev1", "1.0+1", "1.0+01", "1.0+001.2",
            "1.0+1.01", "1.0+0", "1.0+00", "1.0+a.1", "1.0+1.a", "1.0+ABC.Def", "1.0+abc-DEF_1", "1.0+a.b.c.d.e.f.g",
            "0!0", "0!1.0", "00!1.0", "1.0.0.0.0.0.0", "0.0.0", "01.02.03", "1.0\n", "\n1.0", "\t1.0\t", "1.0\r\n",
            "1.0\u000b", "1.0\f", "1.0\u0000", "\u00001.0", "1.0\b", "1.0+abc\n", "1.0.post0", "1.0-0", "1.0.dev0",
            "1.0rc0", "1.0c1", "1.0c0", "1.0pre", "1.0preview", "a1.0", "1.0a1+", "1.0a1+local", "1.0/2", "../1.0",
            "1.0%00", "1.0;rm -rf", "${jndi:x}", "1e3", "0x10", "-1", "+1", "1.0 rc1", "1.0 post1", "1.0 dev1");
}
