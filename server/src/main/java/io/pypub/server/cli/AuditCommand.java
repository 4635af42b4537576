package io.pypub.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.storage.AwsClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pypub audit}: who changed what (the central change log of the deployment) and who
 * downloaded what (the index's audit log files), filtered by client, key, actor, project,
 * operation and time. Input that cannot be read, or a file with no audit lines, is an error.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Query the audit trail: changes (publish, yank, promote, keys, users, backup, ...) from the deployment's "
                + "central change log, and downloads from the index's audit log files (plain or .gz).")
final class AuditCommand implements Callable<Integer> {
    /**
     * Built on first use: picocli instantiates every command at start, so a static mapper here cost every
     * pypub command Jackson's setup (about 0.07 s and 250 classes).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Mixin
    AwsOptions aws;

    @Option(names = "--client", description = "Client name, as given to 'keys create --client'.")
    String client;

    @Option(names = "--key", description = "Key id.")
    String keyId;

    @Option(names = "--actor", description = "Who made the changes (exact, e.g. a build URL or user@host); downloads have no actor.")
    String actor;

    @Option(names = "--project", description = "Project name.")
    String project;

    @Option(names = "--stage", description = "Stage.")
    String stage;

    @Option(names = "--operation", description = "publish, yank, unyank, rollback, unpin, promote, import, prune, keys.create, "
            + "keys.rotate, keys.revoke, users.add, users.passwd, users.remove, backup, restore; or download.")
    String operation;

    @Option(names = "--month", description = "A UTC month, YYYY-MM (instead of --since/--until).")
    String month;

    @Option(names = "--since", description = "From this UTC day (YYYY-MM-DD) or instant (ISO, e.g. 2026-11-27T15:00:00Z); default: 30 days ago.")
    String since;

    @Option(names = "--until", description = "Up to the end of this UTC day (YYYY-MM-DD) or this instant; default: now.")
    String until;

    @Option(names = "--only", description = "changes or downloads (default: both; changes need the deployment (--bucket), downloads the files).")
    String only;

    @Option(names = "--json", description = "Print the matching events as JSON lines (downloads as the index logged them).")
    boolean json;

    @Parameters(arity = "0..*", description = "The index's audit log files (pypub serve --audit-log), for downloads.")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Instant[] range = range();
        Instant from = range[0];
        Instant to = range[1];
        if (only != null && !only.equals("changes") && !only.equals("downloads")) {
            throw new IllegalArgumentException("Invalid --only '" + only + "': use changes or downloads");
        }
        boolean wantDownloads = !"changes".equals(only) && (operation == null || operation.equals("download")) && actor == null;
        boolean wantChanges = !"downloads".equals(only) && !"download".equals(operation);
        if ("downloads".equals(only) && files.isEmpty()) {
            throw new IllegalArgumentException("Downloads come from the index's audit log files: give them as arguments");
        }
        boolean deployment = aws.bucket() != null;
        boolean skippedChanges = false;
        if (wantChanges && !deployment) {
            if (files.isEmpty() || "changes".equals(only)) {
                throw new IllegalArgumentException("Changes are read from the deployment's change log: set "
                        + io.pypub.core.config.Settings.BUCKET.describe() + " and the tables as for the other commands; downloads come from audit log files given as arguments");
            }
            wantChanges = false;
            skippedChanges = true;
        }
        // Read everything before printing anything: a bad file is an error, not a partial answer.
        List<JsonNode> downloads = new ArrayList<>();
        if (!files.isEmpty()) {
            for (Path file : files) {
                readDownloads(file, from, to, wantDownloads ? downloads : new ArrayList<>());
            }
        }
        List<AuditEvent> changes = new ArrayList<>();
        if (wantChanges) {
            try (AwsClients clients = aws.clients()) {
                for (AuditEvent e : ChangeLog.on(clients).between(from, to)) {
                    if (matches(e)) {
                        changes.add(e);
                    }
                }
            }
        }
        if (skippedChanges) {
            System.err.println("note: changes not read (no deployment configured: --bucket / PYPUB_BUCKET); downloads only.");
        }
        downloads.sort((a, b) -> a.path("time").asText().compareTo(b.path("time").asText()));
        if (json) {
            if (wantDownloads) {
                for (JsonNode d : downloads) {
                    System.out.println(Json.MAPPER.writeValueAsString(d));
                }
            }
            for (AuditEvent e : changes) {
                System.out.println(Json.MAPPER.writeValueAsString(e.toJson()));
            }
            return 0;
        }
        String when = month != null ? "in " + YearMonth.parse(month) : "from " + from + " to " + to;
        if (wantDownloads && !files.isEmpty()) {
            printDownloads(downloads, when);
        }
        if (wantChanges) {
            System.out.println(changes.size() + " changes" + who() + " " + when + ":");
            for (AuditEvent e : changes) {
                System.out.printf("  %s  %-13s %-9s %-28s %-34s %s%n", e.time(), e.operation(), e.outcome(), e.actor(), e.target(),
                        e.message() == null ? "" : e.message());
            }
        }
        return 0;
    }

    private String who() {
        List<String> parts = new ArrayList<>();
        if (actor != null) {
            parts.add("by " + actor);
        }
        if (client != null) {
            parts.add("for client '" + client + "'");
        }
        if (keyId != null) {
            parts.add("to key " + keyId);
        }
        if (project != null) {
            parts.add("to project " + project);
        }
        if (operation != null) {
            parts.add("(" + operation + ")");
        }
        return parts.isEmpty() ? "" : " " + String.join(" ", parts);
    }

    private void printDownloads(List<JsonNode> downloads, String when) {
        String whose = client != null ? " by client '" + client + "'" : keyId != null ? " by key " + keyId : "";
        System.out.println(downloads.size() + " downloads" + whose + " " + when + ":");
        Map<String, Integer> perFile = new TreeMap<>();
        long bytes = 0;
        for (JsonNode d : downloads) {
            String what = d.path("stage").asText("?") + "/" + d.path("project").asText("?") + "/" + d.path("file").asText("?");
            perFile.merge(what, 1, Integer::sum);
            bytes += d.path("bytes").asLong(0);
            System.out.printf("  %s  %-10s  %-15s  %s%n", d.path("time").asText(), d.path("key_id").asText("-"),
                    d.path("client_ip").asText("-"), what);
        }
        if (!perFile.isEmpty()) {
            System.out.println("By file:");
            perFile.forEach((f, n) -> System.out.printf("  %5d  %s%n", n, f));
            System.out.println("Total bytes: " + bytes);
        }
    }

    private boolean matches(AuditEvent e) {
        return (client == null || client.equals(e.client())) && (keyId == null || keyId.equals(e.keyId()))
                && (actor == null || actor.equals(e.actor())) && (project == null || sameProject(project, e.project()))
                && (stage == null || stage.equals(e.stage()) || stage.equals(e.details().get("from")))
                && (operation == null || operation.equals(e.operation()));
    }

    private static boolean sameProject(String asked, String recorded) {
        return recorded != null && io.pypub.core.project.ProjectName.normalize(asked).equals(io.pypub.core.project.ProjectName.normalize(recorded));
    }

    private boolean matchesDownload(JsonNode e, Instant from, Instant to) {
        if (!e.path("download").asBoolean(false)) {
            return false;
        }
        Instant t;
        try {
            t = Instant.parse(e.path("time").asText(""));
        } catch (DateTimeParseException ex) {
            return false;
        }
        return !t.isBefore(from) && t.isBefore(to)
                && (client == null || client.equals(e.path("client").asText(null)))
                && (keyId == null || keyId.equals(e.path("key_id").asText(null)))
                && (project == null || (e.hasNonNull("project") && sameProject(project, e.path("project").asText())))
                && (stage == null || stage.equals(e.path("stage").asText(null)));
    }

    /** Reads one audit log strictly: a missing, unreadable or damaged file, or one without any audit line, is an error. */
    private void readDownloads(Path file, Instant from, Instant to, List<JsonNode> into) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a folder: give the audit log files in it (e.g. " + file + "/*.log)");
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("No such audit log: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("Cannot read " + file + ": permission denied");
        }
        int lineNo = 0;
        int auditLines = 0;
        boolean nonEmpty = false;
        try (BufferedReader in = open(file)) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (!line.isBlank()) {
                    nonEmpty = true;
                }
                int start = line.indexOf("{\"");
                if (start < 0) {
                    continue; // another logger's line in a mixed log
                }
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line.substring(start));
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + " is a damaged audit line (not valid JSON): "
                            + "is the file truncated or corrupted?");
                }
                if (n == null || !n.isObject()) {
                    continue;
                }
                if (n.has("request_id") || (n.has("operation") && n.has("actor"))) {
                    auditLines++;
                    if (matchesDownload(n, from, to)) {
                        into.add(n);
                    }
                }
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " line " + (lineNo + 1) + " is not UTF-8 text: not an audit log, or corrupted");
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IllegalArgumentException(file + " is a damaged gzip file (" + e.getMessage() + ")");
        }
        if (nonEmpty && auditLines == 0) {
            throw new IllegalArgumentException(file + " has no audit lines: not an audit log of pypub serve (--audit-log)?");
        }
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in);
            }
        } catch (IOException e) {
            in.close();
            throw new IllegalArgumentException(file + " is not a gzip file (" + e.getMessage() + ")");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(in, decoder));
    }

    /** [since, until) from --month or --since/--until. */
    private Instant[] range() {
        if (month != null) {
            if (since != null || until != null) {
                throw new IllegalArgumentException("Give either --month or --since/--until, not both");
            }
            YearMonth m;
            try {
                m = YearMonth.parse(month.strip());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Invalid month '" + month + "': use YYYY-MM");
            }
            return new Instant[] {m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                    m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)};
        }
        Instant now = Instant.now();
        Instant to = until == null ? now.plusSeconds(1) : parseTime(until, "--until", true);
        Instant from = since == null ? to.minus(java.time.Duration.ofDays(30)) : parseTime(since, "--since", false);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--since " + from + " is not before --until " + to);
        }
        return new Instant[] {from, to};
    }

    /** A day (its start, or for --until its end) or an instant. */
    static Instant parseTime(String text, String option, boolean endOfDay) {
        String t = text.strip();
        try {
            LocalDate day = LocalDate.parse(t);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notADay) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Invalid " + option + " '" + io.pypub.core.project.ProjectName.printable(text)
                        + "': use YYYY-MM-DD or an ISO instant like 2026-11-27T15:00:00Z");
            }
        }
    }
}
