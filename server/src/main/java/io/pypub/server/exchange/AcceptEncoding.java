package io.pypub.server.exchange;

import java.util.Locale;

/**
 * Whether a request's {@code Accept-Encoding} (RFC 9110 section 12.5.3) lets the index answer with gzip.
 * pip (requests: {@code gzip, deflate}) and uv ({@code gzip, br}) always send it; a client that does not
 * (or says {@code gzip;q=0}) gets the page as is. Anything malformed counts as "no": identity is always safe.
 */
public final class AcceptEncoding {
    private AcceptEncoding() {}

    /**
     * True when gzip has a non-zero weight: named ({@code gzip} or the old alias {@code x-gzip}) with q > 0,
     * or not named and {@code *} with q > 0. A named coding wins over {@code *} whatever their order.
     */
    public static boolean allowsGzip(String header) {
        if (header == null || header.isBlank()) {
            return false; // no header: RFC 9110 allows any coding, but pip and uv always send one; an old client gets identity
        }
        Double gzip = null;
        Double any = null;
        for (String element : header.split(",")) {
            int semicolon = element.indexOf(';');
            String coding = (semicolon < 0 ? element : element.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
            if (coding.isEmpty()) {
                continue; // "gzip,,br" and trailing commas: empty list elements are allowed and ignored
            }
            double q = semicolon < 0 ? 1.0 : weight(element.substring(semicolon + 1));
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = gzip == null ? q : Math.max(gzip, q);
            } else if (coding.equals("*")) {
                any = any == null ? q : Math.max(any, q);
            }
        }
        if (gzip != null) {
            return gzip > 0;
        }
        return any != null && any > 0;
    }

    /** The {@code q} parameter among a coding's parameters; 1 without one, 0 when it is not a valid weight (0 to 1, 3 decimals). */
    private static double weight(String parameters) {
        for (String p : parameters.split(";")) {
            int eq = p.indexOf('=');
            if (eq < 0 || !p.substring(0, eq).strip().equalsIgnoreCase("q")) {
                continue;
            }
            String value = p.substring(eq + 1).strip();
            if (!value.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
                return 0; // "q=abc", "q=2", "q=-1": not a weight, so not a yes
            }
            return Double.parseDouble(value);
        }
        return 1.0;
    }
}
