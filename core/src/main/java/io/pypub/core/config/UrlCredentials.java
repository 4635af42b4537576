package io.pypub.core.config;

import java.util.regex.Pattern;

/**
 * Credentials written into a URL ({@code https://user:token@mirror/simple/}): the one rule that finds
 * them, so that {@code pypub config show}, configuration errors and the upstream's own messages and
 * logs all hide them the same way.
 */
public final class UrlCredentials {
    private UrlCredentials() {}

    private static final Pattern USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    /** {@code text} with the user-info part of every URL in it replaced by {@code ***}. */
    public static String redact(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
    }

    public static boolean present(String text) {
        return text != null && USER_INFO.matcher(text).find();
    }
}
