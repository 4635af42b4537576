package io.pypub.server.pages;

import io.pypub.core.inspect.CoreMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pages show from a release's core metadata (the PEP 658 {@code .metadata} object):
 * the long description, dependencies, project URLs, author and license. Nothing here is trusted:
 * pages escape every value, and links are shown only for http(s) URLs.
 */
public record PackageMetadata(String description, String descriptionContentType, List<String> requiresDist,
        Map<String, String> projectUrls, String author, String license, List<String> classifiers, String keywords,
        String homePage) {

    public static final PackageMetadata NONE = new PackageMetadata(null, null, List.of(), Map.of(), null, null, List.of(), null,
            null);

    public static PackageMetadata parse(byte[] raw) {
        CoreMetadata m = CoreMetadata.parse(raw);
        String text = new String(raw, StandardCharsets.UTF_8).replace("\r\n", "\n");
        int bodyStart = text.indexOf("\n\n");
        String description = bodyStart >= 0 ? text.substring(bodyStart + 2) : "";
        if (description.isBlank()) {
            description = m.get("Description"); // older metadata: the description as a header
        }
        Map<String, String> urls = new LinkedHashMap<>();
        for (String entry : m.getAll("Project-URL")) {
            int comma = entry.indexOf(',');
            if (comma > 0) {
                urls.putIfAbsent(entry.substring(0, comma).strip(), entry.substring(comma + 1).strip());
            }
        }
        String author = m.get("Author");
        if (author == null) {
            author = m.get("Author-email");
        }
        String license = m.get("License-Expression") != null ? m.get("License-Expression") : m.get("License");
        return new PackageMetadata(description, m.get("Description-Content-Type"), List.copyOf(m.getAll("Requires-Dist")), urls,
                author, license, new ArrayList<>(m.getAll("Classifier")), m.get("Keywords"), m.get("Home-page"));
    }

    /** Whether a URL from metadata may become a link: http(s) only, printable, no quotes or spaces. */
    public static boolean isSafeLink(String url) {
        if (url == null || url.length() > 2000) {
            return false;
        }
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        return (lower.startsWith("https://") || lower.startsWith("http://"))
                && url.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`');
    }
}
