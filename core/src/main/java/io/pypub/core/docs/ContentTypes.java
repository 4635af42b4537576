package io.pypub.core.docs;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file extension for what pdoc and typical docs sites produce. S3 stores the
 * type with each object and the index serves it as is, so a wrong guess here would make a
 * browser download a page instead of showing it (or refuse a script under nosniff).
 */
public final class ContentTypes {
    public static final String DEFAULT = "application/octet-stream";

    private static final String UTF8 = "; charset=utf-8";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + UTF8),
            Map.entry("htm", "text/html" + UTF8),
            Map.entry("css", "text/css" + UTF8),
            Map.entry("js", "text/javascript" + UTF8),
            Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("ipynb", "application/x-ipynb+json"),
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("text", "text/plain" + UTF8),
            Map.entry("py", "text/plain" + UTF8),
            Map.entry("rst", "text/plain" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("xml", "application/xml"),
            Map.entry("xsl", "application/xml"),
            Map.entry("rss", "application/rss+xml"),
            Map.entry("atom", "application/atom+xml"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("eot", "application/vnd.ms-fontobject"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"));

    private ContentTypes() {}

    /** The type for a file name or key (only the part after the last '/' and '.' counts); unknown gives {@link #DEFAULT}. */
    public static String forFileName(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        if (dot < 0 || dot == base.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(base.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
