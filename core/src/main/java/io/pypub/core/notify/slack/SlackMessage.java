package io.pypub.core.notify.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A formatted Slack message: a short {@code text} (shown in notifications and by clients without
 * attachment support) and one attachment carrying the colour bar, title and fields. Kept as
 * parts so the Jenkins Slack plugin bridge can pass them to {@code slackSend} as they are.
 *
 * @param color      {@code good}, {@code danger}, {@code warning} or a hex colour
 * @param attachment the attachment object; treat as read-only
 */
public record SlackMessage(String text, String color, ObjectNode attachment) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The attachments array, as {@code chat.postMessage}, webhooks and {@code slackSend(attachments:)} take it. */
    public ArrayNode attachments() {
        return JSON.createArrayNode().add(attachment.deepCopy());
    }

    public String attachmentsJson() {
        return attachments().toString();
    }

    /** The request body for a webhook ({@code channel} null) or {@code chat.postMessage}. */
    public ObjectNode payload(String channel) {
        return payload(channel, null, false);
    }

    /**
     * The request body for {@code chat.postMessage} as a reply in a thread ({@code thread_ts}), also shown in the
     * channel when {@code broadcast} ({@code reply_broadcast}); {@code threadTs} null is a plain message.
     */
    public ObjectNode payload(String channel, String threadTs, boolean broadcast) {
        ObjectNode body = JSON.createObjectNode();
        if (channel != null) {
            body.put("channel", channel);
        }
        if (threadTs != null) {
            body.put("thread_ts", threadTs);
            if (broadcast) {
                body.put("reply_broadcast", true);
            }
        }
        body.put("text", text);
        body.set("attachments", attachments());
        return body;
    }
}
