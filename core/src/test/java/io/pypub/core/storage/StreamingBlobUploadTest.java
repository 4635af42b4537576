package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamingBlobUpload} on the embedded S3: what a user of the upload API would otherwise only see as a slow or
 * failed upload. Streaming never becomes a new way to fail: when S3 refuses a part, the upload is aborted and the file
 * is put after receipt; a body under one part never starts a multipart upload.
 */
class StreamingBlobUploadTest {
    private static final int PART = (int) StreamingBlobUpload.PART_SIZE;

    @Test
    void aRefusedPartStopsStreamingAndTheFileIsPutAfterReceipt() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            byte[] body = random(2 * PART + 1000);
            FileDigest digest = FileDigest.of(body);
            String key = d.settings().layout().blobKey(digest.sha256());
            Path file = TestEnvironment.tempDir("streaming-refused").resolve("body");
            try (OutputStream out = Files.newOutputStream(file);
                    StreamingBlobUpload up = d.store().streamTo(key, digest.sha256(), "application/octet-stream", file).orElseThrow()) {
                write(out, up, body, 0, PART + 10);
                assertThat(up.streaming()).isTrue();
                // Someone (a lifecycle rule, an operator) aborts the upload: the next part is refused by S3.
                for (var u : d.clients().s3().listMultipartUploads(b -> b.bucket(d.settings().bucket())).uploads()) {
                    d.clients().s3().abortMultipartUpload(b -> b.bucket(d.settings().bucket()).key(u.key()).uploadId(u.uploadId()));
                }
                write(out, up, body, PART + 10, body.length - PART - 10);
                assertThat(up.complete(digest)).isEmpty(); // the caller puts the file
                assertThat(up.streaming()).isFalse();
            }
            assertThat(d.store().head(key)).isEmpty();
            assertThat(d.clients().s3().listMultipartUploads(b -> b.bucket(d.settings().bucket())).uploads()).isEmpty();
            assertThat(d.store().put(key, file, digest, "application/octet-stream")).isEqualTo(digest);
            assertThat(d.store().head(key)).get().satisfies(o -> assertThat(o.sha256()).isEqualTo(digest.sha256()));
        }
    }

    @Test
    void aBodyUnderOnePartStartsNoMultipartUploadAndOneOfExactlyTwoPartsCompletes() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            byte[] small = random(PART - 1);
            FileDigest smallDigest = FileDigest.of(small);
            Path smallFile = TestEnvironment.tempDir("streaming-small").resolve("body");
            try (OutputStream out = Files.newOutputStream(smallFile); StreamingBlobUpload up = d.store()
                    .streamTo(d.settings().layout().blobKey(smallDigest.sha256()), smallDigest.sha256(), "application/octet-stream",
                            smallFile).orElseThrow()) {
                write(out, up, small, 0, small.length);
                assertThat(d.clients().s3().listMultipartUploads(b -> b.bucket(d.settings().bucket())).uploads()).isEmpty();
                assertThat(up.complete(smallDigest)).isEmpty();
            }

            byte[] exact = random(2 * PART);
            FileDigest digest = FileDigest.of(exact);
            String key = d.settings().layout().blobKey(digest.sha256());
            Path file = TestEnvironment.tempDir("streaming-exact").resolve("body");
            try (OutputStream out = Files.newOutputStream(file);
                    StreamingBlobUpload up = d.store().streamTo(key, digest.sha256(), "application/octet-stream", file).orElseThrow()) {
                write(out, up, exact, 0, exact.length);
                assertThat(up.complete(digest)).contains(digest);
            }
            StoredObject landed = d.store().head(key).orElseThrow();
            assertThat(landed.size()).isEqualTo(exact.length);
            assertThat(landed.sha256()).isEqualTo(digest.sha256());
            try (var in = d.store().open(key)) {
                assertThat(FileDigest.of(in)).isEqualTo(digest);
            }
            assertThat(d.clients().s3().listMultipartUploads(b -> b.bucket(d.settings().bucket())).uploads()).isEmpty();
        }
    }

    /** As the upload form does: into the file first, then reported, in chunks of 64 KiB. */
    private static void write(OutputStream out, StreamingBlobUpload up, byte[] body, int from, int length) throws Exception {
        for (int off = from; off < from + length; off += 65536) {
            int n = Math.min(65536, from + length - off);
            out.write(body, off, n);
            out.flush();
            up.wrote(body, off, n);
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
