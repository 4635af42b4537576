package io.pypub.server.index;

import io.pypub.core.storage.AwsClients;
import java.time.Duration;

/**
 * Makes a time-limited GET link to one stored object, so a download goes straight to the store (the
 * {@code redirect} download mode). An interface so the index can be built without AWS clients.
 */
@FunctionalInterface
public interface Presigner {
    /**
     * @param contentDisposition the {@code Content-Disposition} the store should answer with, or null
     */
    String presignGet(String bucket, String key, String contentDisposition, Duration ttl);

    /** S3's presigner of a deployment, built on first use as before. */
    static Presigner of(AwsClients aws) {
        return (bucket, key, contentDisposition, ttl) -> aws.presigner().presignGetObject(b -> b.signatureDuration(ttl)
                .getObjectRequest(g -> {
                    g.bucket(bucket).key(key);
                    if (contentDisposition != null) {
                        g.responseContentDisposition(contentDisposition);
                    }
                })).url().toString();
    }
}
