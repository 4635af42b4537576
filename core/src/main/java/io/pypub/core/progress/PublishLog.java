package io.pypub.core.progress;

/**
 * Where the pipeline reports progress: the CLI's terminal, the Jenkins build log, a test. In a package of its own
 * below everything, so the steps the pipeline drives (build, docs, notices, lifecycle) report without depending on it.
 */
public interface PublishLog {
    void info(String message);

    void warn(String message);

    /** Lines printed by the build tools; shown as they come so long builds show progress. */
    default void tool(String line) {
        info("  | " + line);
    }

    PublishLog SILENT = new PublishLog() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {}
    };
}
