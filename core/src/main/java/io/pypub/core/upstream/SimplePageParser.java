package io.pypub.core.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses an upstream project page: PEP 691 JSON (preferred), or PEP 503 HTML anchors. */
final class SimplePageParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANCHOR = Pattern.compile("<a\\s([^>]*)>(.*?)</a\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private SimplePageParser() {}

    static UpstreamProject parse(String project, String upstream, URI pageUrl, String contentType, byte[] body) throws IOException {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.contains("json") ? json(project, upstream, pageUrl, body) : html(project, upstream, pageUrl, new String(body,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private static UpstreamProject json(String project, String upstream, URI pageUrl, byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<UpstreamProject.File> files = new ArrayList<>();
        for (JsonNode f : root.path("files")) {
            String filename = f.path("filename").asText(null);
            String url = f.path("url").asText(null);
            if (filename == null || url == null) {
                continue;
            }
            String sha = hex(f.path("hashes").path("sha256").asText(null));
            String requires = f.hasNonNull("requires-python") ? f.get("requires-python").asText() : null;
            JsonNode y = f.path("yanked");
            String yanked = y.isTextual() ? y.asText() : (y.asBoolean(false) ? "" : null);
            JsonNode meta = f.has("core-metadata") ? f.get("core-metadata") : f.path("dist-info-metadata");
            String metaSha = null;
            if (meta.isObject()) {
                metaSha = meta.has("sha256") ? hex(meta.get("sha256").asText()) : "";
                metaSha = metaSha == null ? "" : metaSha;
            } else if (meta.asBoolean(false)) {
                metaSha = "";
            }
            Long size = f.hasNonNull("size") ? f.get("size").asLong() : null;
            String uploaded = f.hasNonNull("upload-time") ? f.get("upload-time").asText() : null;
            files.add(new UpstreamProject.File(filename, resolve(pageUrl, url), sha, requires, yanked, metaSha, size, uploaded));
        }
        return new UpstreamProject(root.path("name").asText(project), upstream, files);
    }

    private static UpstreamProject html(String project, String upstream, URI pageUrl, String body) {
        List<UpstreamProject.File> files = new ArrayList<>();
        URI base = pageUrl;
        Matcher baseTag = Pattern.compile("<base\\s[^>]*href\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE).matcher(body);
        if (baseTag.find()) {
            base = resolve(pageUrl, unescape(baseTag.group(1)));
        }
        Matcher a = ANCHOR.matcher(body);
        while (a.find()) {
            Map<String, String> attrs = attributes(a.group(1));
            String href = attrs.get("href");
            if (href == null) {
                continue;
            }
            URI url = resolve(base, href);
            String fragment = url.getRawFragment();
            String sha = null;
            if (fragment != null && fragment.startsWith("sha256=")) {
                sha = hex(fragment.substring(7));
            }
            URI withoutFragment = URI.create(url.toString().replaceFirst("#.*$", ""));
            String path = withoutFragment.getRawPath();
            String filename = java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1).replace("+", "%2B"),
                    java.nio.charset.StandardCharsets.UTF_8);
            // PEP 503: the text is the file name of the URL's last segment; the URL decides, the text only when it cannot.
            String text = unescape(a.group(2).strip());
            if (!isDistFilename(filename) && isDistFilename(text)) {
                filename = text;
            }
            String meta = attrs.containsKey("data-core-metadata") ? attrs.get("data-core-metadata") : attrs.get("data-dist-info-metadata");
            String metaSha = null;
            if (meta != null && !meta.equalsIgnoreCase("false")) {
                metaSha = meta.startsWith("sha256=") ? hex(meta.substring(7)) : "";
                metaSha = metaSha == null ? "" : metaSha;
            }
            files.add(new UpstreamProject.File(filename, withoutFragment, sha, attrs.get("data-requires-python"),
                    attrs.get("data-yanked"), metaSha, null, null));
        }
        return new UpstreamProject(project, upstream, files);
    }

    private static boolean isDistFilename(String name) {
        try {
            io.pypub.core.release.DistFilename.parse(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(text);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "";
            out.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), unescape(value));
        }
        return out;
    }

    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        Matcher m = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);").matcher(s);
        int last = 0;
        while (m.find()) {
            out.append(s, last, m.start());
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> e.startsWith("#x") || e.startsWith("#X") ? new String(Character.toChars(Integer.parseInt(e.substring(2), 16)))
                        : e.startsWith("#") ? new String(Character.toChars(Integer.parseInt(e.substring(1)))) : m.group();
            };
            out.append(r);
            last = m.end();
        }
        return out.append(s.substring(last)).toString();
    }

    private static String hex(String s) {
        if (s == null) {
            return null;
        }
        String h = s.strip().toLowerCase(Locale.ROOT);
        return HEX64.matcher(h).matches() ? h : null;
    }

    private static URI resolve(URI base, String href) {
        return base.resolve(URI.create(href.strip().replace(" ", "%20")));
    }
}
