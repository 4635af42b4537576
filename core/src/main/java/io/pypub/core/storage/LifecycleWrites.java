package io.pypub.core.storage;

import static io.pypub.core.storage.ItemConditions.*;
import static io.pypub.core.storage.ReleaseItemCodec.*;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.LatestRule;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import io.pypub.core.storage.VersionTable.LatestChange;

/** The lifecycle writes: rollback (pin), unpin, yank, unyank and prune (delete), each one conditioned transaction. */
final class LifecycleWrites {
    private final VersionItems items;
    private final DynamoRetries retries;
    private final String table;

    LifecycleWrites(VersionItems items, DynamoRetries retries) {
        this.items = items;
        this.retries = retries;
        this.table = items.table();
    }

    // ---- lifecycle ------------------------------------------------------------------------
    // Every writer of a project rewrites its registry item's `updated`, so it serves as the
    // project's revision: lifecycle transactions are conditioned on the `updated` they read (and
    // on the latest they read), and retried from a fresh read when anything changed in between.

    LatestChange pin(Stage stage, String project, Version version, String reason) {
        return retries.withRetries("Pinning latest of " + project + " in stage '" + stage + "'",
                () -> pinOnce(stage, project, version, reason));
    }

    private LatestChange pinOnce(Stage stage, String project, Version version, String reason) {
        ProjectState state = readState(stage, project);
        Release target = state.release(version);
        version = target.version(); // as recorded: 1.2 finds 1.2.0 (PEP 440 equality), keys use the recorded form
        if (target.yanked()) {
            throw new ReleaseStateException(project + " " + version.normalized() + " is yanked in stage '" + stage + "'"
                    + because(target.yankReason()) + ": unyank it first, or roll back to another version.");
        }
        String pinReason = blankToNull(reason);
        LatestChange change = new LatestChange(true, state.latestVersion(), state.pinned(), version.normalized(), true);
        if (state.pinned() && version.normalized().equals(state.latestVersion())
                && Objects.equals(pinReason, state.latest().get().pinReason())) {
            return unchanged(state);
        }
        commit(state, null, target, true, pinReason, true);
        return change;
    }

    LatestChange unpin(Stage stage, String project) {
        return retries.withRetries("Unpinning latest of " + project + " in stage '" + stage + "'", () -> {
            ProjectState state = readState(stage, project);
            if (!state.pinned()) {
                return unchanged(state);
            }
            Release newest = highestNotYanked(state.releases());
            commit(state, null, newest, false, null, true);
            return new LatestChange(true, state.latestVersion(), true, versionOf(newest), false);
        });
    }

    LatestChange setYanked(Stage stage, String project, Version version, boolean yanked, String reason) {
        String what = (yanked ? "Yanking " : "Unyanking ") + project + " " + version.normalized() + " in stage '" + stage + "'";
        return retries.withRetries(what, () -> setYankedOnce(stage, project, version, yanked, reason));
    }

    private LatestChange setYankedOnce(Stage stage, String project, Version version, boolean yanked, String reason) {
        ProjectState state = readState(stage, project);
        Release target = state.release(version);
        version = target.version(); // as recorded: 1.2 finds 1.2.0 (PEP 440 equality), keys use the recorded form
        String yankReason = yanked ? blankToNull(reason) : null;
        if (target.yanked() == yanked && Objects.equals(blankToNull(target.yankReason()), yankReason)) {
            return unchanged(state);
        }
        if (yanked && state.pinned() && version.normalized().equals(state.latestVersion())) {
            throw new ReleaseStateException(project + " " + version.normalized() + " is the pinned latest in stage '"
                    + stage + "'" + because(state.latest().get().pinReason()) + ". Roll back to another version "
                    + "(or unpin) first, then yank it.");
        }
        List<Release> after = new ArrayList<>();
        for (Release r : state.releases()) {
            after.add(r.version().equals(version) ? withYank(r, yanked, yankReason) : r);
        }
        Release newest = state.pinned() ? null : highestNotYanked(after);
        boolean latestMoves = !state.pinned() && !Objects.equals(state.latestVersion(), versionOf(newest));

        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":y", AttributeValue.fromBool(yanked));
        String expression = "SET #yk = :y";
        if (yankReason != null) {
            expression += ", #yr = :r";
            values.put(":r", AttributeValue.fromS(yankReason));
        } else {
            expression += " REMOVE #yr";
        }
        TransactWriteItem updateRelease = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(projectPk(stage, project), releaseSk(version)))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#yk", "yanked", "#yr", "yank_reason"))
                .expressionAttributeValues(values)
                .build()).build();
        commit(state, updateRelease, newest, false, null, latestMoves);
        return latestMoves
                ? new LatestChange(true, state.latestVersion(), false, versionOf(newest), false)
                : new LatestChange(true, state.latestVersion(), state.pinned(), state.latestVersion(), state.pinned());
    }

    void deleteRelease(Stage stage, String project, Version version) {
        retries.withRetries("Deleting " + project + " " + version.normalized() + " in stage '" + stage + "'", () -> {
            ProjectState state = readState(stage, project);
            Release target = state.release(version);
            if (target.version().normalized().equals(state.latestVersion())) {
                throw new ReleaseStateException(project + " " + target.version() + " is latest in stage '" + stage
                        + "' and cannot be deleted.");
            }
            TransactWriteItem delete = TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(projectPk(stage, project), releaseSk(target.version())))
                    .conditionExpression("attribute_exists(pk)").build()).build();
            commit(state, delete, null, false, null, false);
            return null;
        });
    }

    /** One read of a project: its registry revision ({@code updated}), {@code latest} and releases. */
    private record ProjectState(Stage stage, String project, String updated, Optional<LatestPointer> latest, List<Release> releases) {
        boolean pinned() {
            return latest.map(LatestPointer::pinned).orElse(false);
        }

        String latestVersion() {
            return latest.map(LatestPointer::version).orElse(null);
        }

        Release release(Version version) {
            return releases.stream().filter(r -> r.version().equals(version)).findFirst().orElseThrow(() ->
                    new ReleaseStateException(project + " " + version.normalized() + " is not published in stage '" + stage
                            + "' (published there: " + String.join(", ", releases.stream().map(Release::version)
                                    .sorted().map(Version::normalized).toList()) + ")."));
        }
    }

    private ProjectState readState(Stage stage, String project) {
        Map<String, AttributeValue> registry = items.getItem(stage.name(), project).orElseThrow(() -> new ReleaseStateException(
                "There is no project '" + project + "' in stage '" + stage + "': check the name and the stage."));
        return new ProjectState(stage, project, s(registry, "updated"), items.latest(stage, project), items.releases(stage, project));
    }

    private static LatestChange unchanged(ProjectState state) {
        return new LatestChange(false, state.latestVersion(), state.pinned(), state.latestVersion(), state.pinned());
    }

    /**
     * Writes a lifecycle change in one transaction: the release update (if any), the new
     * {@code latest} (when {@code latestMoves}; null removes it) and the registry item, all
     * conditioned on the state read.
     */
    private void commit(ProjectState state, TransactWriteItem releaseUpdate, Release newLatest, boolean pin, String pinReason,
            boolean latestMoves) {
        String pk = projectPk(state.stage(), state.project());
        List<TransactWriteItem> writes = new ArrayList<>();
        if (releaseUpdate != null) {
            writes.add(releaseUpdate);
        }
        if (latestMoves) {
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>();
            String readLatest = latestAsRead(state.latest(), names, values);
            if (newLatest != null) {
                writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(latestItem(newLatest, pin, pinReason))
                        .conditionExpression(readLatest).expressionAttributeNames(names.isEmpty() ? null : names)
                        .expressionAttributeValues(values.isEmpty() ? null : values).build()).build());
                boolean updatedHere = releaseUpdate != null
                        && releaseUpdate.update().key().get(SK).s().equals(releaseSk(newLatest.version()));
                if (!updatedHere) {
                    // latest may only point at a release that is still there and not yanked.
                    writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                            .key(key(pk, releaseSk(newLatest.version())))
                            .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#yk) OR #yk = :f)")
                            .expressionAttributeNames(Map.of("#yk", "yanked"))
                            .expressionAttributeValues(Map.of(":f", AttributeValue.fromBool(false))).build()).build());
                }
            } else if (state.latest().isPresent()) {
                writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(pk, LATEST_SK))
                        .conditionExpression(readLatest).expressionAttributeNames(names.isEmpty() ? null : names)
                        .expressionAttributeValues(values.isEmpty() ? null : values).build()).build());
            }
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#upd", "updated");
        values.put(":now", AttributeValue.fromS(Instant.now().toString()));
        String expression = "SET #upd = :now";
        if (latestMoves) {
            names.put("#lat", "latest");
            if (newLatest != null) {
                expression += ", #lat = :l";
                values.put(":l", AttributeValue.fromS(newLatest.version().normalized()));
            } else {
                expression += " REMOVE #lat";
            }
        }
        String condition;
        if (state.updated() != null) {
            condition = "#upd = :u";
            values.put(":u", AttributeValue.fromS(state.updated()));
        } else {
            condition = "attribute_exists(pk) AND attribute_not_exists(#upd)";
        }
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(state.stage().name(), state.project()))
                .updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build());
        writes.add(StageGeneration.bump(table, state.stage(), state.project()));
        items.dynamo().transactWriteItems(b -> b.transactItems(writes));
    }

    static Release highestNotYanked(List<Release> releases) {
        Release newest = null;
        for (Release r : releases) {
            if (!r.yanked()) {
                newest = higher(newest, r);
            }
        }
        return newest;
    }

    static Release withYank(Release r, boolean yanked, String reason) {
        return r.withYanked(yanked, reason);
    }

    static String versionOf(Release r) {
        return r == null ? null : r.version().normalized();
    }

    static String because(String reason) {
        return reason == null || reason.isBlank() ? "" : " (" + reason + ")";
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Release higher(Release a, Release b) {
        return LatestRule.better(a, b);
    }
}
