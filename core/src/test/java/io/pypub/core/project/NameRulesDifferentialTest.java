package io.pypub.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.release.Stage;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Project names and stages are checked by hand-written loops (the index runs them on every
 * request); these generated strings hold them to the regular expressions of PEP 508/503 and of the
 * stage rule they replace.
 */
class NameRulesDifferentialTest {
    private static final Pattern PEP508_NAME = Pattern.compile("^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", Pattern.CASE_INSENSITIVE);
    private static final Pattern PEP503_SEPARATORS = Pattern.compile("[-_.]+");
    private static final Pattern STAGE = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
    private static final String ALPHABET = "aZz09-_.Kk\u212a\u00e9 /\n\t%";

    @Test
    void projectNamesAgreeWithThePepRegexes() {
        Random random = new Random(4242);
        for (int i = 0; i < 50_000; i++) {
            String s = generate(random, 12);
            boolean expected = s.length() <= 200 && PEP508_NAME.matcher(s).matches();
            assertThat(ProjectName.isValid(s)).as("isValid(%s)", s).isEqualTo(expected);
            assertThat(ProjectName.normalize(s)).as("normalize(%s)", s)
                    .isEqualTo(PEP503_SEPARATORS.matcher(s).replaceAll("-").toLowerCase(Locale.ROOT));
        }
        assertThat(ProjectName.isValid("A" + "-".repeat(198) + "b")).isTrue();
        assertThat(ProjectName.isValid("A" + "-".repeat(199) + "b")).isFalse();
    }

    @Test
    void stagesAgreeWithTheStageRegex() {
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            String s = generate(random, i % 10 == 0 ? 40 : 6);
            boolean reserved = s.equals("docs") || s.equals("healthz") || s.equals("metrics");
            boolean valid;
            try {
                Stage.of(s);
                valid = true;
            } catch (IllegalArgumentException e) {
                valid = false;
            }
            assertThat(valid).as("Stage.of(%s)", s).isEqualTo(STAGE.matcher(s).matches() && !reserved);
        }
    }

    private static String generate(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(random.nextInt(3) == 0 ? (char) ('a' + random.nextInt(26)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
