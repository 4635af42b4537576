package io.pypub.server.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import io.pypub.core.storage.StreamingBlobUpload;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * The multipart/form-data body of a legacy upload, parsed as it arrives by Jetty's
 * {@link MultiPart.Parser}: the small text fields are kept, the {@code content} part goes straight to
 * a file while its sha256 and md5 are computed, so memory use does not depend on the upload's size.
 */
final class UploadForm implements AutoCloseable {
    /** A text field is a name, version, digest or metadata field: a README of 1 MB is already generous. */
    static final int MAX_FIELD_BYTES = 1 << 20;
    static final int MAX_FIELDS_TOTAL = 4 << 20;
    private static final int BUFFER = 64 * 1024;

    final Map<String, String> fields = new HashMap<>();
    String contentFilename;
    Path contentFile;
    long contentSize;
    String sha256;
    String md5;
    boolean complete;
    /** The content part on its way to S3 as it arrives, if {@link Streams} started it; closed (aborted unless completed) by {@link #close}. */
    StreamingBlobUpload streamed;

    /**
     * Decides, when the {@code content} part begins (the fields before it are known), whether to send it to its
     * key as it arrives; null: no.
     */
    interface Streams {
        StreamingBlobUpload start(Map<String, String> fieldsSoFar, Path file);
    }

    /** A body this form cannot accept; {@code status} is 400 or 413. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * Reads the whole body from {@code in}, at most {@code maxBytes}, writing the file part into {@code dir}.
     */
    static UploadForm read(InputStream in, String boundary, long maxBytes, Path dir) throws IOException {
        return read(in, boundary, maxBytes, dir, (fields, file) -> null);
    }

    /** {@link #read}, sending the content part on as it arrives when {@code streams} says so; closed if this throws. */
    static UploadForm read(InputStream in, String boundary, long maxBytes, Path dir, Streams streams) throws IOException {
        UploadForm form = new UploadForm();
        boolean ok = false;
        try {
            readInto(form, in, boundary, maxBytes, dir, streams);
            ok = true;
            return form;
        } finally {
            if (!ok) {
                form.close();
            }
        }
    }

    /** Aborts the streamed upload unless it was completed: nothing of a refused body is left in S3. */
    @Override
    public void close() {
        if (streamed != null) {
            streamed.close();
        }
    }

    private static void readInto(UploadForm form, InputStream in, String boundary, long maxBytes, Path dir, Streams streams)
            throws IOException {
        Listener listener = form.new Listener(dir, streams);
        MultiPart.Parser parser = new MultiPart.Parser(boundary, listener);
        parser.setMaxParts(1000);
        byte[] buf = new byte[BUFFER];
        long total = 0;
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    parser.parse(Content.Chunk.from(ByteBuffer.allocate(0), true));
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw new Refused(413, "The upload is larger than this index accepts (" + maxBytes + " bytes)");
                }
                parser.parse(Content.Chunk.from(ByteBuffer.wrap(buf, 0, n), false));
                if (listener.failure != null) {
                    break;
                }
            }
        } finally {
            listener.closeFile();
        }
        if (listener.failure != null) {
            if (listener.failure instanceof Refused r) {
                throw r;
            }
            if (listener.failure instanceof IOException e) {
                throw e;
            }
            throw new Refused(400, "Malformed multipart body: " + listener.failure.getMessage());
        }
        if (!form.complete) {
            throw new Refused(400, "The upload body ended before its last part: truncated upload, nothing was recorded");
        }
    }

    private final class Listener implements MultiPart.Parser.Listener {
        private final Path dir;
        private final Streams streams;
        private String name;
        private String filename;
        private java.io.ByteArrayOutputStream text;
        private OutputStream file;
        private MessageDigest sha;
        private MessageDigest md;
        private long size;
        private long textTotal;
        Throwable failure;

        Listener(Path dir, Streams streams) {
            this.dir = dir;
            this.streams = streams;
        }

        @Override
        public void onPartBegin() {
            name = null;
            filename = null;
        }

        @Override
        public void onPartHeader(String header, String value) {
            if (header.equalsIgnoreCase("Content-Disposition")) {
                name = param(value, "name");
                filename = param(value, "filename");
            }
        }

        @Override
        public void onPartHeaders() {
            try {
                if ("content".equals(name)) {
                    if (contentFile != null) {
                        throw new Refused(400, "More than one 'content' part");
                    }
                    contentFilename = filename;
                    contentFile = Files.createTempFile(dir, "upload-", ".part");
                    file = Files.newOutputStream(contentFile);
                    streamed = streams.start(fields, contentFile);
                    sha = MessageDigest.getInstance("SHA-256");
                    md = MessageDigest.getInstance("MD5");
                    size = 0;
                } else {
                    text = new java.io.ByteArrayOutputStream();
                }
            } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
                fail(e);
            }
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            try {
                ByteBuffer b = chunk.getByteBuffer();
                int n = b.remaining();
                if (failure != null || n == 0) {
                    return;
                }
                byte[] bytes = new byte[n];
                b.get(bytes);
                if (file != null) {
                    file.write(bytes); // unbuffered: in the file before the stream reads its part back
                    if (streamed != null) {
                        streamed.wrote(bytes, 0, n);
                    }
                    sha.update(bytes);
                    md.update(bytes);
                    size += n;
                } else if (text != null) {
                    textTotal += n;
                    if (text.size() + n > MAX_FIELD_BYTES || textTotal > MAX_FIELDS_TOTAL) {
                        throw new Refused(413, "Form field '" + printable(name) + "' is too large");
                    }
                    text.write(bytes);
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
            // Not released here: the parser owns the chunks it hands out (slices of ours, or its own
            // buffer for content split across reads) and releases them after this call.
        }

        @Override
        public void onPartEnd() {
            try {
                if (file != null) {
                    file.close();
                    file = null;
                    sha256 = HexFormat.of().formatHex(sha.digest());
                    md5 = HexFormat.of().formatHex(md.digest());
                    contentSize = size;
                } else if (text != null && name != null) {
                    fields.putIfAbsent(name, text.toString(StandardCharsets.UTF_8));
                }
                text = null;
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        public void onComplete() {
            complete = failure == null;
        }

        @Override
        public void onFailure(Throwable t) {
            fail(t);
        }

        private void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }

        void closeFile() {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    file = null;
                }
            }
        }
    }

    /** A parameter of a Content-Disposition value ({@code form-data; name="x"; filename="y"}), unquoted. */
    static String param(String header, String key) {
        for (String part : header.split(";")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals(key)) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
                }
                return v;
            }
        }
        return null;
    }

    static String printable(String s) {
        return s == null ? "" : io.pypub.core.project.ProjectName.printable(s);
    }
}
