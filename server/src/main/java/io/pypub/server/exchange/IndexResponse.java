package io.pypub.server.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response: status, headers and a body that is either bytes in memory (an array, or a kept page's buffer) or a stream. */
public final class IndexResponse {
    /** Opens the body of a streamed response; called once, by the adapter that writes it. */
    @FunctionalInterface
    public interface BodyStream {
        InputStream open() throws IOException;
    }

    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final byte[] body;
    /** A kept page's bytes, read-only and shared by every response that sends them; null for any other body. */
    private final ByteBuffer kept;
    private final BodyStream stream;
    private final long streamLength;
    private String reasonPhrase;
    private Subject subject;
    private java.nio.channels.FileChannel file;
    private java.util.function.LongConsumer fileSent = bytes -> { };

    /** What a request was about when its path does not say (an upload names project and file in its body), for the audit line. */
    public record Subject(String project, String version, String file) {}

    private IndexResponse(int status, byte[] body, BodyStream stream, long streamLength) {
        this(status, body, null, stream, streamLength);
    }

    private IndexResponse(int status, byte[] body, ByteBuffer kept, BodyStream stream, long streamLength) {
        this.status = status;
        this.body = body;
        this.kept = kept;
        this.stream = stream;
        this.streamLength = streamLength;
    }

    public static IndexResponse bytes(int status, String contentType, byte[] body) {
        return new IndexResponse(status, body, null, -1).header("Content-Type", contentType);
    }

    /**
     * Bytes kept and sent many times (a rendered page): read-only, maybe direct memory, never copied per response
     * by an adapter that sends {@link #bodyBuffer()}.
     */
    public static IndexResponse kept(int status, String contentType, ByteBuffer body) {
        // a kept page's buffer is read-only already: no second view per response
        return new IndexResponse(status, null, body.isReadOnly() ? body : body.asReadOnlyBuffer(), null, -1)
                .header("Content-Type", contentType);
    }

    public static IndexResponse text(int status, String message) {
        return bytes(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static IndexResponse stream(String contentType, long length, BodyStream stream) {
        return new IndexResponse(200, null, stream, length).header("Content-Type", contentType);
    }

    /**
     * 503 with a short Retry-After: S3 or DynamoDB did not answer. pip and uv retry it on their
     * own, and a load balancer sends the next request elsewhere.
     */
    public static IndexResponse storageUnavailable(String message) {
        return text(503, "Service unavailable: " + message).header("Retry-After", "5");
    }

    public static IndexResponse redirect(int status, String location) {
        return text(status, "Moved to " + location).header("Location", location);
    }

    /**
     * The streamed body is this open local file (the download cache): an adapter that can send files without copying
     * them through the heap (Jetty) sends it and then calls {@link #fileSent}; others read {@link #stream()}.
     */
    public IndexResponse file(java.nio.channels.FileChannel channel) {
        this.file = channel;
        return this;
    }

    /** The open file of the body, or null. */
    public java.nio.channels.FileChannel file() {
        return file;
    }

    /** What to do once the file was sent (the audit line); the adapter calls {@link #fileSent}. */
    public IndexResponse onFileSent(java.util.function.LongConsumer then) {
        this.fileSent = then;
        return this;
    }

    /** Called by the adapter after sending {@link #file()}: {@code bytes} sent (0 when it failed). Closes the file. */
    public void fileSent(long bytes) {
        try {
            file.close();
        } catch (IOException e) {
            // nothing to do: the file was only read
        }
        fileSent.accept(bytes);
    }

    public IndexResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /**
     * An HTTP/1.1 reason phrase instead of the standard one ("Forbidden"), for refusals whose reason
     * the client must show: pip and uv print the status line of a failed download, not its body.
     * Printable ASCII only; adapters without reason phrases (HTTP/2, API Gateway) send the body alone.
     */
    public IndexResponse reasonPhrase(String phrase) {
        if (phrase != null && !phrase.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("A reason phrase must be printable ASCII");
        }
        this.reasonPhrase = phrase;
        return this;
    }

    /** Names the project, version and file this response is about, for the audit log only (never sent). */
    public IndexResponse subject(String project, String version, String file) {
        this.subject = new Subject(project, version, file);
        return this;
    }

    /** What {@link #subject} named, or null. */
    public Subject subject() {
        return subject;
    }

    /** The reason phrase to send, or null for the standard one. */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public boolean isStream() {
        return stream != null;
    }

    /** The body in memory, or null for a stream; a kept buffer is copied (adapters that can send buffers use {@link #bodyBuffer()}). */
    public byte[] body() {
        if (kept == null) {
            return body;
        }
        byte[] copy = new byte[kept.remaining()];
        kept.duplicate().get(copy);
        return copy;
    }

    /** The body in memory as a buffer of its own to write from (the bytes themselves are shared, never copied), or null for a stream. */
    public ByteBuffer bodyBuffer() {
        return kept != null ? kept.duplicate() : body != null ? ByteBuffer.wrap(body) : null;
    }

    public BodyStream stream() {
        return stream;
    }

    /** Content length in bytes, or -1 when unknown. */
    public long length() {
        return body != null ? body.length : kept != null ? kept.remaining() : streamLength;
    }
}
