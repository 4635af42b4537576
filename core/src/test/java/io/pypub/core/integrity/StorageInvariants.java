package io.pypub.core.integrity;

import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StorageLayout;
import io.pypub.core.storage.StoredObject;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads every record of a deployment and checks the storage contract: every referenced object
 * (file and PEP 658 metadata) exists, with the recorded size and sha256 (as user metadata and by
 * hashing what a download returns); {@code latest} is the highest version that is not yanked unless
 * pinned (and a pin points at a release that is there and not yanked); the registry agrees.
 */
public final class StorageInvariants {
    private final DynamoVersionTable versions;
    private final S3ArtifactStore store;

    public StorageInvariants(DynamoVersionTable versions, S3ArtifactStore store) {
        this.versions = versions;
        this.store = store;
    }

    /** Every violation found (empty when the contract holds). */
    public List<String> violations() {
        List<String> out = new ArrayList<>();
        Map<String, List<Release>> byProject = new TreeMap<>();
        for (Release r : versions.allReleases()) {
            byProject.computeIfAbsent(r.stage() + "#" + r.project(), k -> new ArrayList<>()).add(r);
            for (ReleaseFile f : r.files()) {
                check(out, r, f.filename(), f.objectKey(), f.size(), f.sha256());
                String metadata = StorageLayout.metadataKey(f);
                if (metadata != null) {
                    check(out, r, f.filename() + ".metadata", metadata, -1, f.metadataSha256());
                }
            }
        }
        TreeSet<Stage> stages = new TreeSet<>(Comparator.comparing(Stage::name));
        stages.addAll(versions.stages());
        byProject.values().forEach(l -> stages.add(l.get(0).stage()));
        for (Stage stage : stages) {
            for (ProjectEntry p : versions.projects(stage)) {
                byProject.putIfAbsent(stage + "#" + p.name(), new ArrayList<>());
            }
        }
        for (var e : byProject.entrySet()) {
            Stage stage = Stage.of(e.getKey().substring(0, e.getKey().indexOf('#')));
            String project = e.getKey().substring(e.getKey().indexOf('#') + 1);
            List<Release> releases = e.getValue();
            Optional<LatestPointer> latest = versions.latest(stage, project);
            // The rule: the highest final version that is not yanked (a pre-release only if there is no final one).
            Release highest = releases.stream().filter(r -> !r.yanked()).reduce(null, io.pypub.core.release.LatestRule::better,
                    io.pypub.core.release.LatestRule::better);
            String where = stage + "/" + project;
            String expected;
            if (latest.isPresent() && latest.get().pinned()) {
                String pin = latest.get().version();
                Optional<Release> pinned = releases.stream().filter(r -> r.version().normalized().equals(pin)).findFirst();
                if (pinned.isEmpty() || pinned.get().yanked()) {
                    out.add(where + ": latest is pinned to " + pin + ", which is " + (pinned.isEmpty() ? "not recorded" : "yanked"));
                }
                expected = pin;
            } else {
                expected = highest == null ? null : highest.version().normalized();
                String actual = latest.map(LatestPointer::version).orElse(null);
                if (!Objects.equals(expected, actual)) {
                    out.add(where + ": latest is " + actual + " but the rule (LatestRule) gives " + expected);
                }
            }
            Optional<ProjectEntry> registry = versions.projects(stage).stream().filter(p -> p.name().equals(project)).findFirst();
            if (!releases.isEmpty() && registry.isEmpty()) {
                out.add(where + ": releases but no registry item");
            } else if (registry.isPresent() && !Objects.equals(registry.get().latestVersion(), latest.map(LatestPointer::version).orElse(null))) {
                out.add(where + ": the registry says latest " + registry.get().latestVersion() + ", the latest item "
                        + latest.map(LatestPointer::version).orElse(null));
            }
            if (latest.isPresent() && latest.get().objectKey() != null) {
                String v = latest.get().version();
                releases.stream().filter(r -> r.version().normalized().equals(v)).findFirst().ifPresent(r -> {
                    if (r.primaryFile() != null && !r.primaryFile().objectKey().equals(latest.get().objectKey())) {
                        out.add(where + ": the latest item's object_key " + latest.get().objectKey() + " is not " + v + "'s sdist "
                                + r.primaryFile().objectKey());
                    }
                });
            }
        }
        return out;
    }

    private void check(List<String> out, Release r, String what, String key, long size, String sha256) {
        String where = r.stage() + "/" + r.project() + " " + r.version() + " " + what + " (" + key + ")";
        Optional<StoredObject> head = store.head(key);
        if (head.isEmpty()) {
            out.add(where + ": object missing");
            return;
        }
        if (size >= 0 && head.get().size() != size) {
            out.add(where + ": " + head.get().size() + " bytes, recorded " + size);
        }
        if (!Objects.equals(head.get().sha256(), sha256)) {
            out.add(where + ": sha256 metadata " + head.get().sha256() + ", recorded " + sha256);
        }
        try (InputStream in = store.open(key)) {
            FileDigest d = FileDigest.of(in);
            if (!d.sha256().equals(sha256) || (size >= 0 && d.size() != size)) {
                out.add(where + ": downloaded " + d.size() + " bytes with sha256 " + d.sha256() + ", recorded " + size + " / " + sha256);
            }
        } catch (Exception e) {
            out.add(where + ": download failed: " + e.getMessage());
        }
    }
}
