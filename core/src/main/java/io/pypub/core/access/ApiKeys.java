package io.pypub.core.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Key administration: create, list, show, revoke and rotate. The secret exists only in what create and rotate return. */
public final class ApiKeys {
    private final ApiKeyTable table;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(ApiKeyTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    public IssuedKey create(KeyPolicy policy, String createdBy) {
        ApiKeyToken token = ApiKeyToken.generate(random);
        ApiKey key = new ApiKey(token.keyId(), policy, SecretHash.of(token), clock.instant(), createdBy, null, null);
        table.insert(key);
        return new IssuedKey(key, token);
    }

    public List<ApiKey> list() {
        return table.all();
    }

    public Optional<ApiKey> find(String keyId) {
        return ApiKeyToken.isKeyId(keyId) ? table.find(keyId) : Optional.empty();
    }

    public ApiKey show(String keyId) {
        return find(keyId).orElseThrow(() -> ApiKeyTable.noSuchKey(keyId));
    }

    /** Revokes a key; every index instance refuses it once its short key cache expires (seconds). */
    public ApiKey revoke(String keyId) {
        ApiKey k = show(keyId);
        if (k.revoked() != null) {
            return k;
        }
        ApiKey revoked = new ApiKey(k.keyId(), k.policy(), k.secretHash(), k.created(), k.createdBy(), k.rotated(), clock.instant());
        table.replace(revoked);
        return revoked;
    }

    /** A new secret for the same key id and policy; the old secret stops working like a revoked key. */
    public IssuedKey rotate(String keyId) {
        ApiKey k = show(keyId);
        if (k.revoked() != null) {
            throw new AccessException("Key " + keyId + " is revoked: create a new key instead of rotating it");
        }
        ApiKeyToken token = ApiKeyToken.newSecretFor(k.keyId(), random);
        ApiKey rotated = new ApiKey(k.keyId(), k.policy(), SecretHash.of(token), k.created(), k.createdBy(), clock.instant(), null);
        table.replace(rotated);
        return new IssuedKey(rotated, token);
    }
}
