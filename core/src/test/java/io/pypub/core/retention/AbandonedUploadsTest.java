package io.pypub.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pypub.core.progress.PublishLog;
import io.pypub.core.testing.Deployment;
import io.pypub.core.testing.TestEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An index killed in the middle of a streamed upload leaves an open multipart upload on its blob key: no
 * object, nothing recorded, but S3 keeps the parts. `pypub gc` aborts those older than the grace period.
 */
class AbandonedUploadsTest {
    private final TestEnvironment env = TestEnvironment.get();
    private Deployment d;

    @BeforeEach
    void deployment() {
        d = env.newDeployment();
    }

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void gcAbortsUploadsAbandonedForLongerThanTheGracePeriodAndNothingElse() {
        S3Client s3 = d.clients().s3();
        String bucket = d.settings().bucket();
        String blob = d.settings().layout().blobsPrefix() + "ab/" + "ab".repeat(32);
        String elsewhere = "not-pypub/upload.bin";
        for (String key : List.of(blob, elsewhere)) {
            String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1), RequestBody.fromString("half a wheel"));
        }
        ObjectCollector gc = ObjectCollector.on(d.clients());

        var young = gc.sweep(Duration.ofHours(1), false, List.of(), "test", PublishLog.SILENT);
        assertThat(young.abandonedUploads()).as("an upload younger than the grace period may still be running").isZero();
        var dryRun = gc.sweep(Duration.ZERO, true, List.of(), "test", PublishLog.SILENT);
        assertThat(dryRun.abandonedUploads()).isEqualTo(1);
        assertThat(dryRun.message()).contains("Would abort 1 multipart uploads");
        assertThat(openUploads(s3, bucket)).containsExactlyInAnyOrder(blob, elsewhere);

        var swept = gc.sweep(Duration.ZERO, false, List.of(), "test", PublishLog.SILENT);

        assertThat(swept.abandonedUploads()).isEqualTo(1);
        assertThat(swept.message()).contains("Aborted 1 multipart uploads abandoned for longer than the grace period");
        assertThat(openUploads(s3, bucket)).as("only pypub's blob keys are its to abort").containsExactly(elsewhere);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).as("no object appeared").isEmpty();
    }

    private static List<String> openUploads(S3Client s3, String bucket) {
        return s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream().map(u -> u.key()).toList();
    }
}
