package io.pypub.server.pages;

/** HTML text escaping for every page the index renders (simple pages and pages for people). */
public final class Html {
    private Html() {}

    /** Escapes text for an HTML element or a quoted attribute value. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
