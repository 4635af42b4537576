package io.pypub.embedded.s3proxy;

import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.InputStream;

/**
 * Refuses UploadPart for an upload id that is not in progress, with the 404 NoSuchUpload S3 answers. S3Proxy 4.1.0
 * stores such a part (its file backend never checks the id), so a streaming upload aborted by someone else would
 * carry on, where on S3 it stops at its next part ({@code StreamingBlobUploadTest}).
 *
 * <p>"In progress" is what ListMultipartUploads says, from the backend's own files: no state of ours, so it is right
 * across restarts. CompleteMultipartUpload needs no check: S3Proxy already answers NoSuchUpload for an upload
 * without parts (aborted or unknown), and a repeated complete of a finished one must still succeed, as on S3.
 */
final class LiveUploadsOnly extends ForwardingBlobStore {
    LiveUploadsOnly(BlobStore backend) {
        super(backend);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream body) {
        boolean inProgress = delegate().listMultipartUploads(upload.containerName()).stream()
                .anyMatch(u -> u.uploadId().equals(upload.id()) && u.key().equals(upload.blobName()));
        if (!inProgress) {
            throw new S3ProxyException(S3ErrorCode.NO_SUCH_UPLOAD);
        }
        return super.uploadMultipartPart(upload, request, body);
    }
}
