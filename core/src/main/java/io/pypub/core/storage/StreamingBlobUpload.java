package io.pypub.core.storage;

import io.pypub.core.util.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;

/**
 * Sends a body to its content-addressed key by S3 multipart upload <em>while it arrives</em>, so that a large
 * upload is in S3 moments after its last byte instead of one PutObject later. The caller appends the bytes to
 * {@code file} (the copy that inspection reads) and then reports them with {@link #wrote}; each full part is sent
 * from that file, so the heap holds no part: memory does not depend on the upload's size, and at most
 * {@link #IN_FLIGHT} parts are being sent at once (a faster client waits: back-pressure).
 *
 * <p>Nothing is visible until {@link #complete}, which the caller runs only after the received bytes' sha256
 * matched the key's and the file passed inspection; every other ending ({@link #close} without complete: a digest
 * mismatch, a bad file, a truncated body, a client gone, 413) aborts the multipart upload, so no object and no
 * open upload are left. The multipart upload starts with the first full part: a body smaller than one part never
 * starts one and is put after receipt as before. Streaming is an optimization, never a requirement: if S3 refuses
 * a part, the upload is aborted and {@link #complete} answers empty, and the caller puts the file as before.
 */
public final class StreamingBlobUpload implements AutoCloseable {
    /** 8 MiB parts (S3's minimum is 5 MiB, except the last). */
    public static final long PART_SIZE = 8L << 20;
    /** Parts being sent at once; the next one waits. */
    static final int IN_FLIGHT = 2;
    private static final Logger LOG = LoggerFactory.getLogger(StreamingBlobUpload.class);

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String sha256;
    private final String contentType;
    private final Path file;
    private final ArtifactStore store;
    private final Deque<Future<CompletedPart>> sending = new ArrayDeque<>();
    private final List<CompletedPart> sent = new ArrayList<>();
    private final MessageDigest partMd5 = md5();
    private ExecutorService senders;
    private String uploadId;
    private long written;
    private long partStart;
    private boolean abandoned;
    private boolean finished;
    /** The blob was already in the store when the body began: nothing is sent, it is reused. */
    private final boolean existed;

    StreamingBlobUpload(S3Client s3, S3ArtifactStore store, String key, String sha256, String contentType, Path file) {
        this.s3 = s3;
        this.bucket = store.bucket();
        this.store = store;
        this.key = key;
        this.sha256 = sha256;
        this.contentType = contentType;
        this.file = file;
        Optional<StoredObject> there = store.head(key);
        this.existed = there.isPresent() && sha256.equals(there.get().sha256());
    }

    public String key() {
        return key;
    }

    /** Bytes {@code b[off..off+len)} were just appended to the file: sends every part they complete. */
    public void wrote(byte[] b, int off, int len) {
        if (abandoned || existed || finished) {
            written += len;
            return;
        }
        while (len > 0) {
            int n = (int) Math.min(len, partStart + PART_SIZE - written);
            partMd5.update(b, off, n);
            written += n;
            off += n;
            len -= n;
            if (written - partStart == PART_SIZE) {
                sendPart(written);
            }
        }
    }

    /** True when the body is (being) sent by multipart upload, or reused: then {@link #complete} is the store write. */
    public boolean streaming() {
        return existed || uploadId != null && !abandoned;
    }

    /**
     * Makes the object visible: sends the last part, completes the multipart upload and checks what landed (or,
     * when the same bytes were already there, refreshes that object's time instead). The caller has checked that
     * the received bytes' sha256 is this key's. Empty when nothing was streamed (a body under one part, or S3
     * refused a part): then the caller puts the file. {@link StorageException} when S3 refuses the completion.
     */
    public Optional<FileDigest> complete(FileDigest received) {
        if (!received.sha256().equals(sha256) || received.size() != written) {
            throw new IllegalStateException("complete() with bytes other than those streamed to " + key);
        }
        if (existed) {
            finished = true;
            LOG.info("s3://{}/{} already holds these bytes: reused, nothing sent", bucket, key);
            // Same key, same bytes: reuse them. The copy onto itself gives the object a new time, which keeps the
            // collector off it until the record references it (as a repeated PutObject would).
            return store.touch(key) ? Optional.of(received) : Optional.empty();
        }
        if (uploadId == null || abandoned) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        if (written > partStart) {
            sendPart(written);
        }
        awaitAll();
        if (abandoned) {
            return Optional.empty();
        }
        long partsDone = System.nanoTime();
        if (store.head(key).filter(o -> sha256.equals(o.sha256()) && o.size() == received.size()).isPresent()) {
            abort(); // a concurrent upload of the same bytes finished first: reuse its object
            finished = true;
            return store.touch(key) ? Optional.of(received) : Optional.empty();
        }
        try {
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(sent)));
        } catch (SdkException e) {
            abort();
            throw new StorageException("Completing the upload of s3://" + bucket + "/" + key + " failed: "
                    + S3ArtifactStore.reason(e), e);
        }
        finished = true;
        shutdown();
        LOG.info("Streamed {} bytes to s3://{}/{} in {} parts as they arrived; after the checks, {} ms for the last parts and {} ms "
                + "to complete", received.size(), bucket, key, sent.size(), (partsDone - started) / 1_000_000,
                (System.nanoTime() - partsDone) / 1_000_000);
        StoredObject landed = store.head(key).orElseThrow(
                () -> new StorageException("Upload of s3://" + bucket + "/" + key + " reported success but the object is missing"));
        if (landed.size() != received.size() || !sha256.equals(landed.sha256())) {
            throw new StorageException("Upload of s3://" + bucket + "/" + key + " did not verify: expected " + received.size()
                    + " bytes, found " + landed.size());
        }
        return Optional.of(received);
    }

    /** Aborts the multipart upload unless it completed: nothing becomes visible and nothing is left. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
        shutdown();
    }

    private void sendPart(long end) {
        if (abandoned) {
            return;
        }
        try {
            if (uploadId == null) {
                senders = Executors.newFixedThreadPool(IN_FLIGHT, DaemonThreads.named("s3-part-" + key.substring(key.length() - 8)));
                uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)
                        .metadata(Map.of(S3ArtifactStore.SHA256_METADATA, sha256))).uploadId();
            }
            while (sending.size() >= IN_FLIGHT) {
                sent.add(sending.removeFirst().get()); // back-pressure: the body waits for S3
            }
        } catch (SdkException e) {
            abandon(e);
            return;
        } catch (ExecutionException e) {
            abandon(e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(e);
            return;
        }
        int number = sent.size() + sending.size() + 1;
        long start = partStart;
        long length = end - start;
        String md5 = Base64.getEncoder().encodeToString(partMd5.digest());
        partStart = end;
        String id = uploadId;
        sending.addLast(senders.submit(() -> {
            // Read back from the file just written (the page cache): no part is held in the heap.
            var response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number)
                    .contentLength(length).contentMD5(md5), RequestBody.fromContentProvider(() -> range(start, length), length,
                    "application/octet-stream"));
            return CompletedPart.builder().partNumber(number).eTag(response.eTag()).build();
        }));
    }

    private InputStream range(long start, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(start);
            InputStream in = Channels.newInputStream(channel);
            return new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int c = super.read();
                    left--;
                    return c;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitAll() {
        try {
            while (!sending.isEmpty()) {
                sent.add(sending.removeFirst().get());
            }
        } catch (ExecutionException e) {
            abandon(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(e);
        }
    }

    private void abandon(Throwable why) {
        LOG.warn("Streaming to s3://{}/{} stopped ({}); the file is put after receipt instead", bucket, key, why.toString());
        abort();
        abandoned = true;
    }

    private void abort() {
        if (uploadId == null || finished) {
            return;
        }
        // Parts still being sent are waited for (at most two), not cancelled: a part that lands after the abort
        // would keep the upload open.
        for (Future<CompletedPart> f : sending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // failed: either way the upload is aborted now
            }
        }
        sending.clear();
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            LOG.info("Aborted the multipart upload to s3://{}/{}: nothing of it is kept", bucket, key);
        } catch (NoSuchUploadException e) {
            // Someone else aborted it first (a lifecycle rule, an operator): the outcome wanted, not a failure.
            LOG.info("The multipart upload to s3://{}/{} was already aborted: nothing of it is kept", bucket, key);
        } catch (SdkException e) {
            // A lifecycle rule (AbortIncompleteMultipartUpload) is the backstop for the upload left open.
            LOG.warn("Aborting the multipart upload of s3://{}/{} failed: {}", bucket, key, S3ArtifactStore.reason(e));
        }
        uploadId = null;
        abandoned = true;
    }

    private void shutdown() {
        if (senders != null) {
            senders.shutdownNow();
            senders = null;
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }
}
