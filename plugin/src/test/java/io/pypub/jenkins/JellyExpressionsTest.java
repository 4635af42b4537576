package io.pypub.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A guard that needs no Jenkins: the mistakes that turned pages into a 500 or dropped words from
 * labels, found by reading every Jelly file. {@link PagesTest} renders the pages themselves.
 */
class JellyExpressionsTest {
    /** JEXL keywords (and words reserved by later JEXL versions): never a property or method name after a dot. */
    private static final Pattern KEYWORD_AFTER_DOT = Pattern.compile(
            "\\.\\s*(size|empty|length|not|and|or|div|mod|eq|ne|lt|gt|le|ge|new|null|true|false|if|else|while|foreach|var|return|function)\\b");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");

    private static List<Path> jellyFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "resources"))) {
            return files.filter(p -> p.toString().endsWith(".jelly")).sorted().toList();
        }
    }

    @Test
    void noJexlKeywordIsUsedAsAProperty() throws IOException {
        List<Path> files = jellyFiles();
        assertFalse(files.isEmpty(), "run from the plugin folder");
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            Matcher m = EXPRESSION.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                if (!m.group(1).startsWith("%") && KEYWORD_AFTER_DOT.matcher(m.group(1)).find()) {
                    found.add(file + ": ${" + m.group(1) + "}");
                }
            }
        }
        assertEquals(List.of(), found, "JEXL cannot compile these (\"Unable to create expression\"), the page is a 500");
    }

    @Test
    void noParenthesesInsideLocalizedText() throws IOException {
        // ${%Key(arg)} passes arg to the message: ${%Build timeout (minutes)} shows "Build timeout".
        List<String> found = new ArrayList<>();
        for (Path file : jellyFiles()) {
            Matcher m = EXPRESSION.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                if (m.group(1).startsWith("%") && m.group(1).contains("(")) {
                    found.add(file + ": ${" + m.group(1) + "}");
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void everyJellyFileEscapesByDefault() throws IOException {
        for (Path file : jellyFiles()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertTrue(text.contains("<?jelly escape-by-default='true'?>"), file + " must escape output by default");
        }
    }
}
