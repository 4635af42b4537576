package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A put is not read back (no HEAD after it): the S3 server verifies the Content-MD5 it is sent and stores nothing when
 * the body does not match. These tests fail on a server that stores such a body, which would make a damaged upload,
 * or a file that changed after it was hashed, land under its content-addressed key unnoticed.
 */
class S3ArtifactStoreTest {
    private static final byte[] GOOD = "the bytes that were hashed\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER = "other bytes, same length!!\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void theServerRefusesABodyThatDoesNotMatchItsContentMd5AndStoresNothing() {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            String key = d.settings().layout().blobKey(FileDigest.of(GOOD).sha256());
            assertThatThrownBy(() -> d.clients().s3().putObject(b -> b.bucket(d.settings().bucket()).key(key)
                    .contentMD5(FileDigest.of(GOOD).md5Base64()), RequestBody.fromBytes(OTHER)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest");
                    });
            assertThat(d.store().head(key)).isEmpty();
        }
    }

    @Test
    void aFileThatNoLongerMatchesItsDigestFailsThePutAndLeavesTheObjectAlreadyThereUntouched() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            FileDigest digest = FileDigest.of(GOOD);
            String key = d.settings().layout().blobKey(digest.sha256());
            assertThat(d.store().put(key, GOOD, "application/octet-stream")).isEqualTo(digest);
            // The file was hashed (as the upload API hashes a body while it arrives), then changed on disk.
            Path file = TestEnvironment.tempDir("s3-store").resolve("changed.whl");
            Files.write(file, OTHER);

            assertThatThrownBy(() -> d.store().put(key, file, digest, "application/octet-stream"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("BadDigest");

            try (InputStream in = d.store().open(key)) {
                assertThat(in.readAllBytes()).isEqualTo(GOOD);
            }
            assertThat(d.store().head(key)).get().satisfies(o -> assertThat(o.sha256()).isEqualTo(digest.sha256()));
        }
    }

    @Test
    void aPutStoresTheBytesWithTheirSha256AndType() throws Exception {
        try (Deployment d = TestEnvironment.get().newDeployment()) {
            Path file = TestEnvironment.tempDir("s3-store").resolve("hello.tar.gz");
            Files.write(file, GOOD);
            String key = d.settings().layout().blobKey(FileDigest.of(GOOD).sha256());

            FileDigest put = d.store().put(key, file, "application/gzip");

            assertThat(put).isEqualTo(FileDigest.of(GOOD));
            assertThat(d.store().head(key)).get().satisfies(o -> {
                assertThat(o.size()).isEqualTo(GOOD.length);
                assertThat(o.sha256()).isEqualTo(put.sha256());
                assertThat(o.contentType()).isEqualTo("application/gzip");
            });
            try (InputStream in = d.store().open(key)) {
                assertThat(in.readAllBytes()).isEqualTo(GOOD);
            }
        }
    }
}
