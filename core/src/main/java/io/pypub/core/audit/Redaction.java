package io.pypub.core.audit;

import java.util.regex.Pattern;

/**
 * Makes text safe to keep in the audit trail and to print: secrets replaced, control characters
 * turned into spaces, length capped. Events are built from messages and arguments that may quote
 * a URL with a password or a key somewhere, so every field goes through here, not just some.
 */
public final class Redaction {
    /** Longest single field (actor, project, reason, detail value). */
    public static final int MAX_FIELD = 500;

    private static final Pattern API_KEY = Pattern.compile("(?i)(pypub[-_.][a-z2-7]{10}[-_.])[a-z0-9]+");
    /** Bounded repeats: linear time on any input (a 100 KB reason of one letter took minutes with {@code *}). */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]{0,31}://)[^/\\s@?#]{0,1024}@");
    private static final Pattern SECRET_QUERY = Pattern.compile("(?i)([?&](?:key|token|password|secret|api_key|access_token)=)[^&\\s#]*");
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+[A-Za-z0-9+/=._~-]{8,}");

    private Redaction() {}

    /** A single-line field: {@link #text} capped at {@link #MAX_FIELD}; null stays null. */
    public static String field(String s) {
        return text(s, MAX_FIELD);
    }

    /** Secrets replaced by {@code [redacted]}, control characters by spaces, cut at {@code max} characters. */
    public static String text(String s, int max) {
        if (s == null) {
            return null;
        }
        // Look at a bounded head only: whatever lies beyond max is cut anyway (secrets are far shorter than the slack).
        String t = secrets(s.length() > max + 2048 ? s.substring(0, max + 2048) : s);
        StringBuilder b = new StringBuilder(Math.min(t.length(), max + 1));
        for (int i = 0; i < t.length() && b.length() < max; i++) {
            char c = t.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        if (t.length() > max || s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    /** Only the secret replacement (keys, URL user-info, key/token query values, Authorization values). */
    public static String secrets(String s) {
        if (s == null) {
            return null;
        }
        String t = API_KEY.matcher(s).replaceAll("$1[redacted]");
        t = URL_USER_INFO.matcher(t).replaceAll("$1[redacted]@");
        t = SECRET_QUERY.matcher(t).replaceAll("$1[redacted]");
        return AUTH_HEADER.matcher(t).replaceAll("$1 [redacted]");
    }
}
