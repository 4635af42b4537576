package io.pypub.jenkins;

import hudson.model.TaskListener;
import io.pypub.core.progress.PublishLog;
import java.io.Serializable;

/**
 * Core's progress messages into the build log. Travels to the agent with the publish; the
 * pipeline's listener is remotable, and it applies the build's secret masking.
 */
final class ListenerPublishLog implements PublishLog, Serializable {
    private static final long serialVersionUID = 1L;

    private final TaskListener listener;

    ListenerPublishLog(TaskListener listener) {
        this.listener = listener;
    }

    @Override
    public void info(String message) {
        listener.getLogger().println("[pypub] " + message);
    }

    @Override
    public void warn(String message) {
        listener.getLogger().println("[pypub] WARNING: " + message);
    }

    @Override
    public void tool(String line) {
        listener.getLogger().println("[pypub]   | " + line);
    }
}
