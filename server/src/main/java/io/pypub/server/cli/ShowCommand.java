package io.pypub.server.cli;

import io.pypub.core.notify.IndexLinks;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.LatestPointer;
import io.pypub.core.release.Release;
import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.version.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shows a project (or one version): versions, files, hashes, pins, yanks, provenance, docs URL. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a project's versions, or one version's files and hashes, with pins, yanks, provenance and docs.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Parameters(index = "0", description = "Project name.")
    String project;

    @Parameters(index = "1", arity = "0..1", description = "A version (default: every version).")
    String version;

    @Option(names = "--stage", description = "Only this stage (default: every stage that has the project).")
    String stage;

    @Option(names = "--public-url", defaultValue = "${env:PYPUB_PUBLIC_URL}",
            description = "The index's public URL, for docs links (env PYPUB_PUBLIC_URL).")
    String publicUrl;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        if (!ProjectName.isValid(project)) {
            throw new IllegalArgumentException("invalid project name: " + ProjectName.printable(project));
        }
        String normalized = ProjectName.normalize(project);
        Version wanted = version == null ? null : Version.parse(version);
        IndexLinks links = IndexLinks.orPlaceholder(publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", ""));
        List<Map<String, Object>> out = new ArrayList<>();
        try (AwsClients clients = aws.clients()) {
            DynamoVersionTable table = new DynamoVersionTable(clients.dynamo(), clients.settings().versionTable());
            List<String> stages = stage != null ? List.of(Stage.of(stage).name()) : new ArrayList<>(LookAround.stages(clients));
            for (String s : stages) {
                Stage st = Stage.of(s);
                List<Release> releases = table.releases(st, normalized).stream()
                        .filter(r -> wanted == null || r.version().equals(wanted))
                        .sorted(Comparator.comparing(Release::version).reversed()).toList();
                if (releases.isEmpty()) {
                    continue;
                }
                Optional<LatestPointer> latest = table.latest(st, normalized);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("stage", s);
                p.put("project", normalized);
                p.put("name", releases.get(0).displayName());
                p.put("latest", latest.map(LatestPointer::version).orElse(null));
                p.put("pinned", latest.map(LatestPointer::pinned).orElse(false));
                p.put("pin_reason", latest.map(LatestPointer::pinReason).orElse(null));
                List<Map<String, Object>> versions = new ArrayList<>();
                for (Release r : releases) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("version", r.version().normalized());
                    v.put("summary", r.summary());
                    v.put("published_at", r.publishedAt() == null ? null : r.publishedAt().toString());
                    v.put("published_by", r.publishedBy());
                    v.put("source_revision", r.sourceRevision());
                    v.put("promoted_from", wanted == null ? null
                            : table.promotedFrom(st, normalized, r.version()).map(Stage::name).orElse(null));
                    v.put("yanked", r.yanked());
                    v.put("yank_reason", r.yankReason());
                    v.put("docs_url", r.docsPrefix() == null ? null : links.docs(st, normalized, r.version().normalized()));
                    List<Map<String, Object>> files = new ArrayList<>();
                    for (ReleaseFile f : r.files()) {
                        Map<String, Object> fm = new LinkedHashMap<>();
                        fm.put("filename", f.filename());
                        fm.put("size", f.size());
                        fm.put("sha256", f.sha256());
                        fm.put("requires_python", f.requiresPython());
                        fm.put("upload_time", f.uploadTime() == null ? null : f.uploadTime().toString());
                        fm.put("metadata_sha256", f.metadataSha256());
                        files.add(fm);
                    }
                    v.put("files", files);
                    versions.add(v);
                }
                p.put("versions", versions);
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no project '" + normalized + "'" + (wanted == null ? "" : " version " + version)
                    + (stage == null ? " in any stage" : " in stage " + stage));
        }
        if (json) {
            LookAround.printJson(out);
            return 0;
        }
        for (var p : out) {
            System.out.printf("%s (%s)%n", p.get("name"), p.get("stage"));
            System.out.printf("  latest: %s%s%n", p.get("latest") == null ? "-" : p.get("latest"), Boolean.TRUE.equals(p.get("pinned"))
                    ? " (pinned" + (p.get("pin_reason") == null ? "" : ": " + p.get("pin_reason")) + ")" : "");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> versions = (List<Map<String, Object>>) p.get("versions");
            for (var v : versions) {
                System.out.printf("  %s  %s%s%n", v.get("version"), v.get("published_at") == null ? "" : v.get("published_at"),
                        Boolean.TRUE.equals(v.get("yanked")) ? "  YANKED" + (v.get("yank_reason") == null ? "" : ": " + v.get("yank_reason"))
                                : "");
                if (v.get("summary") != null) {
                    System.out.printf("    %s%n", v.get("summary"));
                }
                if (v.get("published_by") != null) {
                    System.out.printf("    published by %s%n", v.get("published_by"));
                }
                if (v.get("source_revision") != null) {
                    System.out.printf("    source revision %s%n", v.get("source_revision"));
                }
                if (v.get("promoted_from") != null) {
                    System.out.printf("    promoted from %s%n", v.get("promoted_from"));
                }
                if (v.get("docs_url") != null) {
                    System.out.printf("    docs %s%n", v.get("docs_url"));
                }
                if (wanted != null || versions.size() == 1) {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> files = (List<Map<String, Object>>) v.get("files");
                    for (var f : files) {
                        System.out.printf("    %s  %d bytes  sha256 %s%n", f.get("filename"), (Long) f.get("size"), f.get("sha256"));
                    }
                }
            }
        }
        return 0;
    }
}
