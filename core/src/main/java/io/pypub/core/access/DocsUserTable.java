package io.pypub.core.access;

import static io.pypub.core.access.AccessItems.instant;
import static io.pypub.core.access.AccessItems.putIfPresent;
import static io.pypub.core.access.AccessItems.str;
import static io.pypub.core.access.AccessItems.stringSet;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Docs user items of the access table: {@code pk=user#<name>}, {@code sk=user}. */
public final class DocsUserTable {
    private static final String PK_PREFIX = "user#";
    private static final String SK = "user";

    private final AccessItems items;

    public DocsUserTable(DynamoDbClient dynamo, String table) {
        this.items = new AccessItems(dynamo, table);
    }

    public Optional<DocsUser> find(String name) {
        return items.get(PK_PREFIX + name, SK).map(DocsUserTable::toUser);
    }

    public List<DocsUser> all() {
        return items.scan(PK_PREFIX).stream().map(DocsUserTable::toUser).sorted(Comparator.comparing(DocsUser::name)).toList();
    }

    public void insert(DocsUser user) {
        items.put(toItem(user), "attribute_not_exists(#pk)", () -> new AccessException("User '" + user.name() + "' exists already"));
    }

    public void replace(DocsUser user) {
        items.put(toItem(user), "attribute_exists(#pk)", () -> noSuchUser(user.name()));
    }

    public void delete(String name) {
        items.delete(PK_PREFIX + name, SK, () -> noSuchUser(name));
    }

    static AccessException noSuchUser(String name) {
        return new AccessException("No user '" + io.pypub.core.project.ProjectName.printable(name) + "'");
    }

    private static Map<String, AttributeValue> toItem(DocsUser u) {
        Map<String, AttributeValue> item = AccessItems.newItem(PK_PREFIX + u.name(), SK);
        item.put("name", AccessItems.s(u.name()));
        item.put("stages", AccessItems.strings(u.stages()));
        item.put("password_hash", AccessItems.s(u.passwordHash()));
        putIfPresent(item, "created", u.created());
        putIfPresent(item, "updated", u.updated());
        return item;
    }

    private static DocsUser toUser(Map<String, AttributeValue> item) {
        return new DocsUser(str(item, "name"), stringSet(item, "stages"), str(item, "password_hash"), instant(item, "created"),
                instant(item, "updated"));
    }
}
