package io.pypub.core.publish;

/** Where the pipeline reports progress: the CLI's terminal, the Jenkins build log, a test. */
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
