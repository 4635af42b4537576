package io.pypub.server.index;

import java.time.Duration;

/**
 * How the index serves: downloads streamed through the server or redirected to presigned S3
 * URLs, and how long table reads are cached.
 */
public record IndexSettings(DownloadMode downloadMode, Duration presignTtl, Duration cacheTtl) {
    public enum DownloadMode { STREAM, REDIRECT }

    public static IndexSettings defaults() {
        return new IndexSettings(DownloadMode.STREAM, Duration.ofMinutes(5), Duration.ofSeconds(1));
    }
}
