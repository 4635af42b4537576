package io.pypub.core.inspect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Core metadata (PKG-INFO / METADATA): RFC 822 style headers, possibly repeated, with
 * continuation lines, followed by an optional body (the long description).
 */
public final class CoreMetadata {
    private final byte[] raw;
    private final Map<String, List<String>> headers;

    private CoreMetadata(byte[] raw, Map<String, List<String>> headers) {
        this.raw = raw;
        this.headers = headers;
    }

    public static CoreMetadata parse(byte[] raw) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String text = new String(raw, StandardCharsets.UTF_8).replace("\r\n", "\n");
        String lastKey = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                break; // the body starts
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && lastKey != null) {
                List<String> values = headers.get(lastKey);
                values.set(values.size() - 1, values.get(values.size() - 1) + "\n" + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            lastKey = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(lastKey, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        return new CoreMetadata(raw, headers);
    }

    public String get(String field) {
        List<String> v = headers.get(field.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> getAll(String field) {
        return headers.getOrDefault(field.toLowerCase(Locale.ROOT), List.of());
    }

    public String name() {
        return get("Name");
    }

    public String version() {
        return get("Version");
    }

    public String summary() {
        return get("Summary");
    }

    public String requiresPython() {
        return get("Requires-Python");
    }

    public String metadataVersion() {
        return get("Metadata-Version");
    }

    public byte[] raw() {
        return raw.clone();
    }
}
