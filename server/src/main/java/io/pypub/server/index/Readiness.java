package io.pypub.server.index;

import io.pypub.core.release.Stage;
import io.pypub.core.storage.ArtifactStore;
import io.pypub.core.storage.StorageException;
import io.pypub.core.storage.VersionTable;
import io.pypub.server.exchange.IndexResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /readyz}: whether this instance can serve, i.e. reach S3 and DynamoDB. {@code /healthz}
 * stays a liveness check (the process answers), so an orchestrator restarts a hung process but only
 * takes an instance out of rotation while its backends are down. One cheap read of each (a
 * HeadObject and a GetItem of keys that do not exist, with the index's own permissions), at most
 * once per {@link #TTL}, so a load balancer probing every second costs almost nothing.
 */
final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    static final Duration TTL = Duration.ofSeconds(2);
    private static final Stage PROBE_STAGE = Stage.of("pypub-readiness");
    private static final String PROBE = "pypub-readiness-probe";

    record Result(boolean ready, String detail) {
        IndexResponse response() {
            return ready ? IndexResponse.text(200, "ready") : IndexResponse.storageUnavailable("not ready: " + detail);
        }
    }

    private final ArtifactStore store;
    private final String probeKey;
    private final VersionTable versions;
    private Result last;
    private long checkedAt;

    Readiness(ArtifactStore store, String prefix, VersionTable versions) {
        this.store = store;
        this.probeKey = (prefix == null ? "" : prefix) + PROBE;
        this.versions = versions;
    }

    synchronized Result check() {
        long now = System.nanoTime();
        if (last == null || now - checkedAt > TTL.toNanos()) {
            last = probe();
            checkedAt = System.nanoTime();
        }
        return last;
    }

    private Result probe() {
        try {
            store.head(probeKey);
        } catch (StorageException e) {
            LOG.warn("Not ready: S3: {}", e.getMessage());
            return new Result(false, "S3 unreachable");
        }
        try {
            versions.latest(PROBE_STAGE, PROBE);
        } catch (StorageException | software.amazon.awssdk.core.exception.SdkException e) {
            LOG.warn("Not ready: DynamoDB: {}", e.getMessage());
            return new Result(false, "DynamoDB unreachable");
        }
        return new Result(true, "ok");
    }
}
