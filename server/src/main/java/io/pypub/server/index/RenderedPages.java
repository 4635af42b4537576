package io.pypub.server.index;

import io.pypub.core.storage.FileDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Rendered pages with their ETags, reused for as long as {@link ReleaseCatalog} hands out the same
 * cached data: a busy page is rendered and hashed once per table read, not once per request. An
 * entry is keyed by what the page depends on besides the data (stage, project, format, ...) and
 * matched to the data by identity, so data from a new read is always rendered anew.
 */
final class RenderedPages {
    private static final int MAX_ENTRIES = 10_000;

    record Page(byte[] body, String etag) {
        static Page of(byte[] body) {
            return new Page(body, "\"" + FileDigest.sha256Hex(body).substring(0, 32) + "\"");
        }
    }

    private record Entry(Object source, Page page) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The page for {@code key} rendered from {@code source}, rendering it if the cached one came from other data. */
    Page get(String key, Object source, Supplier<byte[]> render) {
        Entry e = entries.get(key);
        if (e != null && e.source() == source) {
            return e.page();
        }
        Page page = Page.of(render.get());
        if (entries.size() > MAX_ENTRIES) {
            entries.clear(); // bounded memory, as in ReleaseCatalog
        }
        entries.put(key, new Entry(source, page));
        return page;
    }
}
