package io.pypub.server.index;

import java.time.Duration;

/**
 * How the index serves: downloads streamed through the server or redirected to presigned S3
 * URLs, and how long table reads are cached.
 */
public record IndexSettings(DownloadMode downloadMode, Duration presignTtl, Duration cacheTtl, String publicUrl,
        io.pypub.core.config.UploadLimits uploadLimits, java.nio.file.Path downloadCacheDir, long downloadCacheMaxBytes) {
    public enum DownloadMode { STREAM, REDIRECT }

    /**
     * @param publicUrl the index's public base URL (e.g. {@code https://pypi.example.com}) for install
     *     commands on pages, or null: then pages show paths only, never a URL made from the request's
     *     Host header (which any client can set)
     */
    public IndexSettings {
        uploadLimits = uploadLimits == null ? io.pypub.core.config.UploadLimits.DEFAULT : uploadLimits;
        if (publicUrl != null) {
            publicUrl = publicUrl.replaceAll("/+$", "");
            if (!publicUrl.matches("https?://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._~/-]*)?")) {
                throw new IllegalArgumentException("The public URL must look like https://pypi.example.com (got '"
                        + io.pypub.core.project.ProjectName.printable(publicUrl) + "')");
            }
        }
    }

    /** Without a download cache (tests, embedding): every streamed download reads S3. */
    public IndexSettings(DownloadMode downloadMode, Duration presignTtl, Duration cacheTtl, String publicUrl,
            io.pypub.core.config.UploadLimits uploadLimits) {
        this(downloadMode, presignTtl, cacheTtl, publicUrl, uploadLimits, null, 0);
    }

    public IndexSettings(DownloadMode downloadMode, Duration presignTtl, Duration cacheTtl) {
        this(downloadMode, presignTtl, cacheTtl, null);
    }

    public IndexSettings(DownloadMode downloadMode, Duration presignTtl, Duration cacheTtl, String publicUrl) {
        this(downloadMode, presignTtl, cacheTtl, publicUrl, io.pypub.core.config.UploadLimits.DEFAULT);
    }

    /** The same settings with other upload size limits. */
    public IndexSettings withUploadLimits(io.pypub.core.config.UploadLimits limits) {
        return new IndexSettings(downloadMode, presignTtl, cacheTtl, publicUrl, limits, downloadCacheDir, downloadCacheMaxBytes);
    }

    /** The same settings with a download cache of at most {@code maxBytes} in {@code dir} (0: none). */
    public IndexSettings withDownloadCache(java.nio.file.Path dir, long maxBytes) {
        return new IndexSettings(downloadMode, presignTtl, cacheTtl, publicUrl, uploadLimits, dir, maxBytes);
    }

    /** Serving as the effective settings say; {@code mode} overrides {@code download-mode} where not null (Lambda: always REDIRECT). */
    public static IndexSettings from(io.pypub.core.config.Config c, DownloadMode mode) {
        DownloadMode downloads = mode != null ? mode : DownloadMode.valueOf(c.get(io.pypub.core.config.Settings.DOWNLOAD_MODE).name());
        return new IndexSettings(downloads, Duration.ofMillis(Math.round(c.get(io.pypub.core.config.Settings.PRESIGN_SECONDS) * 1000)),
                Duration.ofMillis(Math.round(c.get(io.pypub.core.config.Settings.CACHE_SECONDS) * 1000)),
                c.get(io.pypub.core.config.Settings.INDEX_URL), c.get(io.pypub.core.config.Settings.UPLOAD_MAX_BYTES),
                // Redirected downloads never pass through the server: no cache for them (nor on Lambda, which redirects).
                c.get(io.pypub.core.config.Settings.DOWNLOAD_CACHE_DIR) != null ? c.get(io.pypub.core.config.Settings.DOWNLOAD_CACHE_DIR)
                        : BlobCache.defaultDir(),
                downloads == DownloadMode.STREAM ? c.get(io.pypub.core.config.Settings.DOWNLOAD_CACHE_MAX_BYTES) : 0);
    }

    public static IndexSettings defaults() {
        return new IndexSettings(DownloadMode.STREAM, Duration.ofMinutes(5), Duration.ofSeconds(1), null);
    }
}
