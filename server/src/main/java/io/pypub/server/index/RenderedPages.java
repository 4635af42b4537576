package io.pypub.server.index;

import io.pypub.core.storage.FileDigest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Rendered pages with their ETags, reused for as long as {@link ReleaseCatalog} hands out the same
 * cached data: a busy page is rendered, hashed and compressed once per table read, not once per request. An
 * entry is keyed by what the page depends on besides the data (stage, project, format, ...) and
 * matched to the data by identity, so data from a new read is always rendered anew.
 */
final class RenderedPages {
    private static final int MAX_ENTRIES = 10_000;
    /** Below this a gzip variant saves less than its header and the client's inflater cost. */
    static final int GZIP_MIN_BYTES = 1024;

    /**
     * A page, and its gzip variant when it is worth one (else null). pip and uv always accept gzip,
     * and the root listing of a large stage is mostly repeated markup (380 KB for 10,000 projects,
     * about a tenth of that as gzip), so serving the kept variant spares the network most of the page
     * and the server nothing but a copy. The variant has its own ETag (the same hash with {@code -gz}):
     * RFC 9110 wants a distinct validator for each representation, so a 304 never confirms the wrong one.
     * The bytes are read-only and shared by every response: read them through a {@code duplicate()}.
     */
    record Page(ByteBuffer body, String etag, ByteBuffer gzip, String gzipEtag) {
        /** A page that is kept and served many times: compressed now, once, and big variants held in direct memory ({@link KeptBytes}). */
        static Page of(byte[] body) {
            String hash = FileDigest.sha256Hex(body).substring(0, 32);
            byte[] gzip = body.length >= GZIP_MIN_BYTES ? gzip(body) : null;
            if (gzip != null && gzip.length >= body.length) {
                gzip = null;
            }
            return new Page(KeptBytes.keep(body), "\"" + hash + "\"", gzip == null ? null : KeptBytes.keep(gzip),
                    gzip == null ? null : "\"" + hash + "-gz\"");
        }

        /** A page rendered for one request (a search, a key limited to some projects): sent as is, not compressed per request. */
        static Page once(byte[] body) {
            return new Page(ByteBuffer.wrap(body).asReadOnlyBuffer(), "\"" + FileDigest.sha256Hex(body).substring(0, 32) + "\"", null, null);
        }

        private static byte[] gzip(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
                gz.write(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in memory: cannot happen
            }
            return out.toByteArray();
        }
    }

    /** A page being rendered or rendered, for the data it came from; requests that find it wait for that one render. */
    private record Entry(Object source, CompletableFuture<Page> page) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The page for {@code key} rendered from {@code source}, rendering it if the cached one came from other data.
     * One render per key and data: after a re-read of a big stage, the 32 connections that ask for its root
     * listing at once wait for the first request's render and compression instead of each doing its own
     * (32 x 380 KB rendered and gzipped on 2 cores is a latency spike of its own).
     */
    Page get(String key, Object source, Supplier<byte[]> render) {
        Entry e = entries.get(key);
        if (e != null && e.source() == source) {
            return await(e.page());
        }
        Entry mine = new Entry(source, new CompletableFuture<>());
        if (entries.size() > MAX_ENTRIES) {
            entries.clear(); // bounded memory, as in ReleaseCatalog
        }
        Entry current = entries.compute(key, (k, old) -> old != null && old.source() == source ? old : mine);
        if (current != mine) {
            return await(current.page());
        }
        try {
            mine.page().complete(Page.of(render.get()));
        } catch (RuntimeException | Error ex) { // waiters must never hang on a render that failed
            entries.remove(key, mine); // the next request renders again
            mine.page().completeExceptionally(ex);
            throw ex;
        }
        return mine.page().join();
    }

    /** The rendered page; a failed render rethrows its own exception (a StorageException becomes the usual 503). */
    private static Page await(CompletableFuture<Page> page) {
        try {
            return page.join();
        } catch (CompletionException ex) {
            if (ex.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw ex;
        }
    }
}
