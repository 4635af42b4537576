package io.pypub.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;

/**
 * The embedded S3 answers for multipart uploads as S3 does where our code relies on it (for parts, S3Proxy needs our
 * LiveUploadsOnly): a part or an abort for an upload that is not in progress, aborted or never started, is a 404
 * NoSuchUpload, so a streaming upload someone else aborted stops at its next part and its own abort learns the upload
 * is gone instead of seeming to succeed.
 */
class EmbeddedMultipartTest {
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;
    private S3Client s3;
    private String bucket;

    @BeforeEach
    void setUp() {
        d = env.newDeployment();
        s3 = d.clients().s3();
        bucket = d.settings().bucket();
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    @Test
    void anAbortedUploadTakesNoPartAndNoSecondAbort() {
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key("k")).uploadId();
        assertThat(s3.uploadPart(b -> b.bucket(bucket).key("k").uploadId(id).partNumber(1), RequestBody.fromString("part")).eTag())
                .isNotBlank();
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(id));

        assertThatThrownBy(() -> s3.uploadPart(b -> b.bucket(bucket).key("k").uploadId(id).partNumber(2), RequestBody.fromString("late")))
                .isInstanceOfSatisfying(NoSuchUploadException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(id)))
                .isInstanceOfSatisfying(NoSuchUploadException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void anUnknownUploadIdIsNoSuchUpload() {
        String live = s3.createMultipartUpload(b -> b.bucket(bucket).key("k")).uploadId();
        String unknown = live.substring(0, live.length() - 1) + (live.endsWith("0") ? "1" : "0");

        assertThatThrownBy(() -> s3.uploadPart(b -> b.bucket(bucket).key("k").uploadId(unknown).partNumber(1), RequestBody.fromString("x")))
                .isInstanceOf(NoSuchUploadException.class);
        assertThatThrownBy(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(unknown)))
                .isInstanceOf(NoSuchUploadException.class);
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).singleElement()
                .satisfies(u -> assertThat(u.uploadId()).isEqualTo(live));
    }
}
