package io.pypub.core.notify.slack;

import java.util.regex.Pattern;

/** Slack mrkdwn helpers: escaping, links, and scrubbing secrets out of text we did not write. */
public final class SlackText {
    // Credentials that can end up in error messages or URLs: URL user-info, key-like query
    // parameters (the index accepts ?key=), Slack tokens and webhook paths, AWS access key ids.
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)\\b(https?://)[^/\\s@]+@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:key|api[_-]?key|token|access[_-]?token|password|passwd|secret|signature|sig"
                    + "|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\\s#>|]+");
    private static final Pattern SLACK_TOKEN = Pattern.compile("\\bxox[a-z]-[A-Za-z0-9-]+");
    private static final Pattern SLACK_WEBHOOK = Pattern.compile("(?i)(hooks\\.slack\\.com/)[^\\s>|]+");
    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b");

    private SlackText() {}

    /** Escapes Slack's three control characters; Slack decodes exactly these entities and no others. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Removes credentials from text that came from outside (error messages, URLs, build names). */
    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = URL_USERINFO.matcher(text).replaceAll("$1***@");
        s = SECRET_PARAM.matcher(s).replaceAll("$1***");
        s = SLACK_TOKEN.matcher(s).replaceAll("xox*-***");
        s = SLACK_WEBHOOK.matcher(s).replaceAll("$1***");
        return AWS_KEY_ID.matcher(s).replaceAll("AKIA***");
    }

    /** Scrubbed, then escaped: the form every piece of outside text takes in a message. */
    public static String safe(String text) {
        return escape(scrub(text));
    }

    /** True for absolute http(s) URLs, the only ones we turn into links. */
    public static boolean isWebUrl(String url) {
        return url != null && (url.startsWith("https://") || url.startsWith("http://")) && url.length() > 8
                && url.chars().noneMatch(Character::isWhitespace);
    }

    /**
     * A mrkdwn link {@code <url|label>}. Characters that would end the URL part early are
     * percent-encoded; a URL we would not link to is shown as plain, escaped text.
     */
    public static String link(String url, String label) {
        String labelText = label == null || label.isBlank() ? null : escape(label);
        if (!isWebUrl(url)) {
            return labelText != null ? labelText : safe(url);
        }
        String target = scrub(url).replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C");
        return labelText == null ? "<" + target + ">" : "<" + target + "|" + labelText + ">";
    }

    /** Inline code; backticks inside would close it early, so they become look-alike quotes. */
    public static String code(String text) {
        return "`" + safe(text).replace('`', '\'') + "`";
    }

    /** A code block for multi-line text such as an error message. */
    public static String codeBlock(String text) {
        return "```" + safe(text).replace("```", "'''") + "```";
    }
}
