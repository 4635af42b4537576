package io.pypub.core.access;

import static io.pypub.core.access.AccessItems.instant;
import static io.pypub.core.access.AccessItems.longOrNull;
import static io.pypub.core.access.AccessItems.number;
import static io.pypub.core.access.AccessItems.putIfPresent;
import static io.pypub.core.access.AccessItems.str;
import static io.pypub.core.access.AccessItems.stringSet;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** API key items of the access table: {@code pk=key#<keyId>}, {@code sk=key}. */
public final class ApiKeyTable {
    private static final String PK_PREFIX = "key#";
    private static final String SK = "key";

    private final AccessItems items;

    public ApiKeyTable(DynamoDbClient dynamo, String table) {
        this.items = new AccessItems(dynamo, table);
    }

    public Optional<ApiKey> find(String keyId) {
        return items.get(PK_PREFIX + keyId, SK).map(ApiKeyTable::toKey);
    }

    public List<ApiKey> all() {
        return items.scan(PK_PREFIX).stream().map(ApiKeyTable::toKey).sorted(Comparator.comparing(ApiKey::created)).toList();
    }

    /** Stores a new key; fails if the id is taken (a 50-bit random id: practically never). */
    public void insert(ApiKey key) {
        items.put(toItem(key), "attribute_not_exists(#pk)", () -> new AccessException("Key id " + key.keyId() + " exists already"));
    }

    /** Replaces an existing key (revocation, rotation); fails if it was deleted meanwhile. */
    public void replace(ApiKey key) {
        items.put(toItem(key), "attribute_exists(#pk)", () -> noSuchKey(key.keyId()));
    }

    static AccessException noSuchKey(String keyId) {
        return new AccessException("No key with id '" + io.pypub.core.project.ProjectName.printable(keyId) + "'");
    }

    private static Map<String, AttributeValue> toItem(ApiKey k) {
        KeyPolicy p = k.policy();
        Map<String, AttributeValue> item = AccessItems.newItem(PK_PREFIX + k.keyId(), SK);
        item.put("key_id", AccessItems.s(k.keyId()));
        item.put("client", AccessItems.s(p.client()));
        item.put("stages", AccessItems.strings(p.stages()));
        item.put("projects", AccessItems.strings(p.projects()));
        item.put("scopes", AccessItems.strings(p.scopes()));
        item.put("rate", AccessItems.n(p.ratePerSecond()));
        item.put("burst", AccessItems.n(p.burst()));
        putIfPresent(item, "daily_quota", p.dailyDownloads());
        putIfPresent(item, "monthly_quota", p.monthlyDownloads());
        putIfPresent(item, "expires", p.expires());
        item.put("secret_hash", AccessItems.s(k.secretHash()));
        putIfPresent(item, "created", k.created());
        putIfPresent(item, "created_by", k.createdBy());
        putIfPresent(item, "rotated", k.rotated());
        item.put("revoked", AttributeValue.fromBool(k.revoked() != null));
        putIfPresent(item, "revoked_at", k.revoked());
        return item;
    }

    private static ApiKey toKey(Map<String, AttributeValue> item) {
        KeyPolicy policy = new KeyPolicy(str(item, "client"), stringSet(item, "stages"), stringSet(item, "projects"),
                number(item, "rate", 0), (int) number(item, "burst", 1), longOrNull(item, "daily_quota"),
                longOrNull(item, "monthly_quota"), instant(item, "expires"), stringSet(item, "scopes")); // absent: download
        // The flag decides, so a key revoked by hand in the console (no time) is revoked too.
        AttributeValue flag = item.get("revoked");
        boolean revoked = flag != null && Boolean.TRUE.equals(flag.bool());
        java.time.Instant revokedAt = instant(item, "revoked_at");
        if (!revoked) {
            revokedAt = null;
        } else if (revokedAt == null) {
            revokedAt = java.time.Instant.EPOCH;
        }
        return new ApiKey(str(item, "key_id"), policy, str(item, "secret_hash"), instant(item, "created"),
                str(item, "created_by"), instant(item, "rotated"), revokedAt);
    }
}
