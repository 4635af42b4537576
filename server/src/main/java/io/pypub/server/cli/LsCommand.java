package io.pypub.server.cli;

import io.pypub.core.release.ProjectEntry;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists the projects of a stage (or of every stage): name, latest version, last publish, summary. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List published projects: latest version, last publish and summary.")
final class LsCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Option(names = "--stage", description = "Only this stage (default: every stage with projects).")
    String stage;

    @Option(names = "--json", description = "Print JSON (a list of objects) instead of a table.")
    boolean json;

    @Parameters(index = "0", arity = "0..1",
            description = "A glob on the name (acme-*), or words that the name or summary must contain.")
    String pattern;

    @Override
    public Integer call() {
        try (AwsClients clients = aws.clients()) {
            DynamoVersionTable table = new DynamoVersionTable(clients.dynamo(), clients.settings().versionTable());
            List<String> stages = stage != null ? List.of(Stage.of(stage).name()) : new ArrayList<>(LookAround.stages(clients));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String s : stages) {
                for (ProjectEntry p : table.projects(Stage.of(s))) {
                    if (!matches(p)) {
                        continue;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("stage", s);
                    row.put("project", p.name());
                    row.put("name", p.displayName());
                    row.put("latest", p.latestVersion());
                    row.put("updated", p.updated() == null ? null : p.updated().toString());
                    row.put("summary", p.summary());
                    rows.add(row);
                }
            }
            if (json) {
                LookAround.printJson(rows);
                return 0;
            }
            if (rows.isEmpty()) {
                System.out.println(pattern == null ? "No projects." : "No projects match '" + pattern + "'.");
                return 0;
            }
            int w = Math.max(7, rows.stream().mapToInt(r -> r.get("project").toString().length()).max().orElse(7));
            String format = "%-" + Math.max(5, stages.stream().mapToInt(String::length).max().orElse(5)) + "s  %-" + w
                    + "s  %-12s  %-20s  %s%n";
            System.out.printf(format, "STAGE", "PROJECT", "LATEST", "LAST PUBLISH", "SUMMARY");
            for (var r : rows) {
                String updated = r.get("updated") == null ? "" : r.get("updated").toString().substring(0, 19).replace('T', ' ');
                System.out.printf(format, r.get("stage"), r.get("project"), r.get("latest") == null ? "-" : r.get("latest"), updated,
                        r.get("summary") == null ? "" : r.get("summary"));
            }
        }
        return 0;
    }

    private boolean matches(ProjectEntry p) {
        if (pattern == null || pattern.isBlank()) {
            return true;
        }
        String name = p.name();
        if (pattern.contains("*") || pattern.contains("?")) {
            String regex = ("\\Q" + pattern.toLowerCase(Locale.ROOT) + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            return Pattern.matches(regex, name) || Pattern.matches(regex, String.valueOf(p.displayName()).toLowerCase(Locale.ROOT));
        }
        String text = (name + " " + p.displayName() + " " + (p.summary() == null ? "" : p.summary())).toLowerCase(Locale.ROOT);
        for (String word : pattern.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!text.contains(word)) {
                return false;
            }
        }
        return true;
    }
}
