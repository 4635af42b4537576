package io.pypub.core.notify.slack;

import static io.pypub.core.notify.slack.SlackText.code;
import static io.pypub.core.notify.slack.SlackText.codeBlock;
import static io.pypub.core.notify.slack.SlackText.isWebUrl;
import static io.pypub.core.notify.slack.SlackText.link;
import static io.pypub.core.notify.slack.SlackText.safe;
import static io.pypub.core.notify.slack.SlackText.scrub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.LifecycleNotice;
import io.pypub.core.notify.PublishNotice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns notices into Slack messages (legacy attachments, which both webhooks, chat.postMessage and
 * the Jenkins Slack plugin accept). Every piece of text from outside is scrubbed of credentials
 * and escaped, so a project or error message cannot mention {@code @channel} or forge links.
 */
public final class SlackMessageFormatter {
    public static final String COLOR_SUCCESS = "good";
    public static final String COLOR_FAILURE = "danger";
    /** A publish that succeeded with a warning (e.g. its name also exists on the stage's upstream). */
    public static final String COLOR_WARNING = "warning";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORT_SHA = 12;

    public SlackMessage published(PublishNotice n) {
        String headline = n.displayName() + " " + n.version() + " published to " + n.stage();
        String color = n.warnings().isEmpty() ? COLOR_SUCCESS : COLOR_WARNING;
        ObjectNode a = attachment(headline, color);
        if (isWebUrl(n.indexUrl())) {
            a.put("title_link", scrub(n.indexUrl()));
        }
        ArrayNode fields = a.putArray("fields");
        field(fields, "Project", safe(n.displayName()), true);
        field(fields, "Version", safe(n.version()), true);
        field(fields, "Stage", safe(n.stage()), true);
        if (n.latest() != null) {
            field(fields, "Latest", latest(n), true);
        }
        if (!n.warnings().isEmpty()) {
            field(fields, "Warning", safe(String.join("\n", n.warnings())), false);
        }
        if (!n.files().isEmpty()) {
            field(fields, "Files", files(n.files()), false);
        }
        whoAndRevision(fields, n.publishedBy(), n.sourceRevision());
        String links = links(n);
        if (!links.isEmpty()) {
            field(fields, "Links", links, false);
        }
        return new SlackMessage(safe("Published " + n.displayName() + " " + n.version() + " to " + n.stage()),
                color, a);
    }

    /** One more file of a release (the upload API): meant as a reply in the release's thread. */
    public SlackMessage fileAdded(PublishNotice n, String filename) {
        String headline = "Added " + filename + " to " + n.displayName() + " " + n.version() + " in " + n.stage();
        ObjectNode a = attachment(headline, COLOR_SUCCESS);
        ArrayNode fields = a.putArray("fields");
        List<PublishNotice.FileInfo> added = n.files().stream().filter(f -> f.filename().equals(filename)).toList();
        if (!added.isEmpty()) {
            field(fields, "File", files(added), false);
        }
        field(fields, "Files in the release", Integer.toString(n.files().size()), true);
        whoAndRevision(fields, n.publishedBy(), n.sourceRevision());
        return new SlackMessage(safe(headline), COLOR_SUCCESS, a);
    }

    public SlackMessage failed(FailureNotice n) {
        String headline = "Publishing " + n.subject() + " to " + n.stage() + " failed";
        ObjectNode a = attachment(headline, COLOR_FAILURE);
        a.put("text", codeBlock(n.error()));
        ArrayNode fields = a.putArray("fields");
        field(fields, "Project", safe(n.subject()), true);
        field(fields, "Stage", safe(n.stage()), true);
        whoAndRevision(fields, n.publishedBy(), n.sourceRevision());
        return new SlackMessage(safe(headline), COLOR_FAILURE, a);
    }

    /** A promote, yank, unyank, rollback or unpin: core's sentence, the release, who did it and why. */
    public SlackMessage lifecycle(LifecycleNotice n) {
        String what = n.project() + (n.version() == null ? "" : " " + n.version());
        String headline = switch (n.operation()) {
            case "promote" -> "Promoted " + what + " from " + n.from() + " to " + n.stage();
            case "yank" -> "Yanked " + what + " in " + n.stage();
            case "unyank" -> "Unyanked " + what + " in " + n.stage();
            case "rollback" -> "Rolled " + n.project() + " back to " + n.version() + " in " + n.stage();
            case "unpin" -> "Unpinned latest of " + n.project() + " in " + n.stage();
            default -> n.operation() + " " + what + " in " + n.stage();
        };
        String color = switch (n.operation()) {
            case "yank", "rollback" -> COLOR_WARNING;
            default -> COLOR_SUCCESS;
        };
        ObjectNode a = attachment(headline, color);
        a.put("text", safe(n.message()));
        ArrayNode fields = a.putArray("fields");
        field(fields, "Stage", safe(n.stage().name()), true);
        if (n.reason() != null && !n.reason().isBlank()) {
            field(fields, "Reason", safe(n.reason()), true);
        }
        if (n.actor() != null && !n.actor().isBlank()) {
            field(fields, "By", isWebUrl(n.actor()) ? link(n.actor(), null) : safe(n.actor()), true);
        }
        return new SlackMessage(safe(headline), color, a);
    }

    private static ObjectNode attachment(String headline, String color) {
        ObjectNode a = JSON.createObjectNode();
        a.put("fallback", safe(headline));
        a.put("color", color);
        a.put("title", safe(headline));
        // Without this, Slack renders links and code in fields as literal text.
        a.putArray("mrkdwn_in").add("text").add("fields");
        a.put("footer", "pypub");
        return a;
    }

    private static void field(ArrayNode fields, String title, String value, boolean isShort) {
        fields.addObject().put("title", title).put("value", value).put("short", isShort);
    }

    private static void whoAndRevision(ArrayNode fields, String publishedBy, String revision) {
        if (publishedBy != null && !publishedBy.isBlank()) {
            field(fields, "Published by", isWebUrl(publishedBy) ? link(publishedBy, null) : safe(publishedBy), true);
        }
        if (revision != null && !revision.isBlank()) {
            field(fields, "Revision", code(shortRevision(revision.strip())), true);
        }
    }

    private static String latest(PublishNotice n) {
        PublishNotice.Latest l = n.latest();
        if (l.pinned()) {
            return "pinned to " + safe(l.version()) + (l.pinReason() == null ? "" : " (" + safe(l.pinReason()) + ")")
                    + ", not moved";
        }
        return (l.moved() ? "now " : "stays at ") + safe(l.version());
    }

    private static String files(List<PublishNotice.FileInfo> files) {
        List<String> lines = new ArrayList<>();
        for (PublishNotice.FileInfo f : files) {
            String sha = f.sha256() == null ? "" : " sha256 " + code(f.sha256().substring(0, Math.min(SHORT_SHA, f.sha256().length())));
            lines.add(code(f.filename()) + " (" + humanSize(f.size()) + ")" + sha);
        }
        return String.join("\n", lines);
    }

    private static String links(PublishNotice n) {
        List<String> links = new ArrayList<>();
        if (isWebUrl(n.indexUrl())) {
            links.add(link(n.indexUrl(), "Index page"));
        }
        if (isWebUrl(n.docsUrl())) {
            links.add(link(n.docsUrl(), "Docs"));
        }
        return String.join(" · ", links);
    }

    /** Git hashes are shortened like git does; anything else (e.g. an SVN revision) is kept. */
    static String shortRevision(String revision) {
        return revision.matches("[0-9a-fA-F]{13,64}") ? revision.substring(0, SHORT_SHA) : revision;
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
