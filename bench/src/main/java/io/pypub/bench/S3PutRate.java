package io.pypub.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 server's own rate for small PUTs, with nothing of pypub around them: the ceiling of any upload of many small files. */
final class S3PutRate {
    private S3PutRate() {}

    static double measure(S3Client s3, String bucket, String prefix, int puts, int threads) {
        byte[] body = Fixtures.randomBytes(1024, 11);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < puts; i++) {
                String key = prefix + i;
                done.add(pool.submit(() -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body))));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return puts / ((System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("A PUT failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
