package io.pypub.server.http;

import io.pypub.server.access.AuditLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (bad URI encodings, ambiguous paths, oversized headers), answered like ours:
 * a short plain-text reason phrase that echoes nothing from the request, the security headers,
 * and an audit line when there is a request to describe.
 */
final class PlainErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        AuditLog.rejectedBeforeRouting(request.getMethod(), request.getHttpURI().getPath(), Request.getRemoteAddr(request), code,
                HttpStatus.getMessage(code));
        HttpFields.Mutable headers = response.getHeaders();
        secure(headers);
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        byte[] body = (code + " " + HttpStatus.getMessage(code) + "\n").getBytes(StandardCharsets.UTF_8);
        headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        secure(fields);
        fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        return ByteBuffer.wrap((status + " " + HttpStatus.getMessage(status) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void secure(HttpFields.Mutable headers) {
        headers.put(new HttpField("X-Content-Type-Options", "nosniff"));
        headers.put(new HttpField("Referrer-Policy", "no-referrer"));
        headers.put(new HttpField("X-Frame-Options", "DENY"));
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    }
}
