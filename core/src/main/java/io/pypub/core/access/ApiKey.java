package io.pypub.core.access;

import java.time.Instant;

/**
 * A key as stored: its id, its policy and the hash of its secret (never the secret itself).
 *
 * @param rotated when the secret was last replaced; null if never
 * @param revoked when it was revoked; null while it is not
 */
public record ApiKey(String keyId, KeyPolicy policy, String secretHash, Instant created, String createdBy, Instant rotated,
        Instant revoked) {

    public enum Status { ACTIVE, REVOKED, EXPIRED }

    public Status status(Instant now) {
        if (revoked != null) {
            return Status.REVOKED;
        }
        if (policy.expires() != null && !now.isBefore(policy.expires())) {
            return Status.EXPIRED;
        }
        return Status.ACTIVE;
    }

    public String client() {
        return policy.client();
    }
}
