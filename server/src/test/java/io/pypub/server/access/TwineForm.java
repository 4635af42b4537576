package io.pypub.server.access;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The multipart body twine sends to the upload API, built by hand where a test needs to send it itself (cut it, lie in it). */
final class TwineForm {
    private TwineForm() {}

    /** The fields twine sends, in its order: every one before the file. */
    static Map<String, String> fields(String name, String version, String sha256) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(":action", "file_upload");
        f.put("protocol_version", "1");
        f.put("name", name);
        f.put("version", version);
        f.put("filetype", "bdist_wheel");
        f.put("pyversion", "py3");
        f.put("metadata_version", "2.1");
        f.put("sha256_digest", sha256);
        return f;
    }

    /** {@code fields}, then the file as the {@code content} part. */
    static byte[] body(String boundary, Map<String, String> fields, String filename, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (var e : fields.entrySet()) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue()
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
