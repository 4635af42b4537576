package io.pypub.server.http;

import io.pypub.server.access.RequestRules;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import io.pypub.server.index.IndexService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Adapts Jetty's request/response to {@link IndexService}, streaming downloads without buffering them.
 * Compression is the service's (pages kept gzipped once per render, see RenderedPages), so the server has no
 * GzipHandler: it would compress every response again per request and change the ETags.
 *
 * <p>Declared non-blocking, so Jetty calls it on the selector thread that read the request. A request the service
 * answers from memory ({@link IndexService#answersFromMemory}: a simple page whose key and releases are cached) is
 * served right there; every other one is handed to the thread pool, where it may read DynamoDB or S3, wait and stream.
 * Why: handing every request to another thread (Jetty's default for a blocking handler) cost about a fifth of the
 * server's CPU per simple page in thread wake-ups and context switches.
 */
public final class JettyIndexHandler extends Handler.Abstract {
    /** Headers whose values come from a small fixed set (security headers, content types, caching). */
    private static final Set<String> FIXED_VALUES = Set.of("Content-Type", "Content-Encoding", "Cache-Control", "Vary", "X-Content-Type-Options",
            "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy", "Strict-Transport-Security", "WWW-Authenticate");
    /** Chunk of a cached file per write: 64 KiB, two writes for the benchmark's 126 KB wheel. */
    private static final int FILE_CHUNK = 64 * 1024;
    private final IndexService service;
    /**
     * Those headers encoded once, not on every response: by name, then value (the values are constants, whose hash
     * the String keeps; a key of name and value joined was a new string to build and hash for every header sent).
     */
    private final Map<String, Map<String, HttpField>> encoded = new ConcurrentHashMap<>();

    public JettyIndexHandler(IndexService service) {
        super(InvocationType.NON_BLOCKING);
        this.service = service;
    }

    private HttpField field(String name, String value) {
        if (!FIXED_VALUES.contains(name)) {
            return new HttpField(name, value);
        }
        Map<String, HttpField> byValue = encoded.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        HttpField known = byValue.get(value);
        if (known != null) {
            return known;
        }
        return byValue.size() > 64 ? new HttpField(name, value) : byValue.computeIfAbsent(value, v -> new PreEncodedHttpField(name, v));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        // Only GET and HEAD may be answered here: any other method may carry a body, read by blocking reads.
        IndexRequest read = isHeadOrGet(request) ? toIndexRequest(request) : null;
        if (read != null && service.answersFromMemory(read)) {
            respond(read, request, response, callback);
            return true;
        }
        try {
            request.getComponents().getExecutor().execute(() -> {
                try {
                    respond(read != null ? read : toIndexRequest(request), request, response, callback);
                } catch (Throwable t) {
                    callback.failed(t); // Jetty answers 500 if nothing was sent yet, as for a handler that throws
                }
            });
        } catch (RejectedExecutionException e) {
            callback.failed(e);
        }
        return true;
    }

    private static boolean isHeadOrGet(Request request) {
        return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
    }

    /** Serves the request and completes the callback (when the response is sent, for a cached file). */
    private void respond(IndexRequest indexRequest, Request request, Response response, Callback callback) throws IOException {
        IndexResponse r = service.handle(indexRequest);
        response.setStatus(r.status());
        if (r.reasonPhrase() != null) {
            withReasonPhrase(request, r.reasonPhrase());
        }
        HttpFields.Mutable fields = response.getHeaders();
        r.headers().forEach((name, value) -> fields.add(field(name, value))); // names are unique in the map: add, not put
        if (r.length() >= 0) {
            fields.add(HttpHeader.CONTENT_LENGTH, r.length());
        }
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        if (head) {
            response.write(true, null, callback);
        } else if (r.file() != null) {
            // A cached file: read into pooled direct buffers and written from them, never copied through the heap.
            long length = r.length();
            Content.copy(Content.Source.from(new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, FILE_CHUNK),
                    r.file(), 0, length), response, Callback.from(() -> {
                        r.fileSent(length);
                        callback.succeeded();
                    }, failure -> {
                        r.fileSent(0);
                        callback.failed(failure);
                    }));
        } else if (r.isStream()) {
            try (InputStream in = r.stream().open(); OutputStream out = Content.Sink.asOutputStream(response)) {
                in.transferTo(out);
            }
            callback.succeeded();
        } else {
            // A kept page's buffer as it is: a direct one is written without a copy (see KeptBytes).
            response.write(true, r.bodyBuffer(), callback);
        }
    }

    /**
     * Jetty's core API always sends the standard reason phrase; the response metadata is replaced on
     * its way to the connection instead (HTTP/1.1 writes it; HTTP/2 has no reason phrases).
     */
    private static void withReasonPhrase(Request request, String phrase) {
        request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
            @Override
            public void send(MetaData.Request req, MetaData.Response res, boolean last, ByteBuffer content, Callback callback) {
                MetaData.Response sent = res == null ? null : new MetaData.Response(res.getStatus(), phrase, res.getHttpVersion(),
                        res.getHttpFields(), res.getContentLength(), res.getTrailersSupplier());
                super.send(req, sent, last, content, callback);
            }
        });
    }

    static IndexRequest toIndexRequest(Request request) {
        Map<String, String> query = new HashMap<>();
        if (request.getHttpURI().getQuery() != null) { // most requests have none: no parse
            for (Fields.Field f : Request.extractQueryParameters(request)) {
                query.put(f.getName(), f.getValue());
            }
        }
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.merge(f.getName(), f.getValue(), (a, b) -> a + ", " + b);
        }
        String path = Request.getPathInContext(request);
        String raw = request.getHttpURI().getPath();
        if (raw != null && RequestRules.hasDotSegment(raw)) {
            path = raw; // Jetty resolved "/a/../b"; keep the dot segments so the index refuses them (400) instead
        }
        String p = path == null || path.isEmpty() ? "/" : path;
        byte[] body = new byte[0];
        if (IndexRequest.wantsBody(request.getMethod(), p) && request.getLength() <= IndexRequest.MAX_FORM_BYTES) {
            try {
                ByteBuffer buffer = Content.Source.asByteBuffer(request); // the sign-in form: a few hundred bytes
                body = new byte[Math.min(buffer.remaining(), IndexRequest.MAX_FORM_BYTES)];
                buffer.get(body);
            } catch (java.io.IOException e) {
                body = new byte[0];
            }
        }
        // Any other POST (an upload) gets the body as a stream, read as it arrives: nothing is buffered whole.
        IndexRequest.BodyStream stream = HttpMethod.POST.is(request.getMethod()) && body.length == 0
                ? () -> Content.Source.asInputStream(request) : null;
        return new IndexRequest(request.getMethod(), p, query, headers, Request.getRemoteAddr(request), request.isSecure(), body,
                stream);
    }
}
