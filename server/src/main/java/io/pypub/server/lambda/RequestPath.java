package io.pypub.server.lambda;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the event's {@code rawPath} strictly. API Gateway HTTP APIs usually hand over the path
 * already decoded, Lambda function URLs still percent-encoded; both come through here, so a path
 * is decoded once and then checked for what no index URL ever contains: an encoded '/' or '\'
 * (which would change the segments after decoding), '.' or '..' segments, control characters,
 * invalid percent-encoding or invalid UTF-8. Any of these is a 400, never a guess.
 */
final class RequestPath {
    private RequestPath() {}

    static String decode(String rawPath) throws BadRequestException {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        if (rawPath.charAt(0) != '/') {
            throw new BadRequestException("path must start with '/'");
        }
        String path = rawPath.indexOf('%') < 0 ? rawPath : percentDecode(rawPath);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadRequestException("control character in path");
            }
            if (c == '\\') {
                throw new BadRequestException("backslash in path");
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadRequestException("'.' and '..' segments are not allowed");
            }
        }
        return path;
    }

    private static String percentDecode(String raw) throws BadRequestException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            int percent = raw.indexOf('%', i);
            if (percent != i) {
                int end = percent < 0 ? raw.length() : percent;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            int hi = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
            int lo = i + 2 < raw.length() ? hex(raw.charAt(i + 2)) : -1;
            if (hi < 0 || lo < 0) {
                throw new BadRequestException("invalid percent-encoding");
            }
            int b = hi * 16 + lo;
            if (b == '/' || b == '\\') {
                throw new BadRequestException("encoded '/' or '\\' in path");
            }
            bytes.write(b);
            i += 3;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException("percent-encoded bytes are not UTF-8");
        }
    }

    /** ASCII hex digits only: Character.digit would also accept other scripts' digits. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
