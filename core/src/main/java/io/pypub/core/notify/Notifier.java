package io.pypub.core.notify;

import io.pypub.core.progress.PublishLog;

/**
 * Tells people that a publish happened or failed (Slack from the CLI, the Jenkins Slack plugin in
 * Jenkins, nothing in tests). A notification is a courtesy: implementations must never throw, and
 * report their own trouble as a warning on {@code log}, because a release that is already in S3
 * and DynamoDB must not be reported as failed just because a chat service is down.
 */
public interface Notifier {

    void published(PublishNotice notice, PublishLog log);

    void failed(FailureNotice notice, PublishLog log);

    /**
     * A promote, yank, unyank, rollback or unpin changed a release; notifiers that do not announce them keep this
     * default, which does nothing.
     */
    default void lifecycle(LifecycleNotice notice, PublishLog log) {}

    /**
     * One more file joined a release that was already recorded and announced: the upload API gets a release's files
     * one request at a time (twine sends the sdist and each wheel separately). {@code notice} is the release with all
     * its files, {@code publishedBy} who uploaded {@code filename}. By default a publish notice; Slack replies in the
     * release's thread instead, so a release is one message however many files it gets.
     */
    default void fileAdded(PublishNotice notice, String filename, PublishLog log) {
        published(notice, log);
    }

    /** Notifies nobody. */
    Notifier NONE = new Notifier() {
        @Override
        public void published(PublishNotice notice, PublishLog log) {}

        @Override
        public void failed(FailureNotice notice, PublishLog log) {}
    };
}
