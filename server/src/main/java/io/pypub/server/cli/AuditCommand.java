package io.pypub.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pypub audit}: what a client downloaded in a month, from audit log files (the JSON lines
 * of the {@code pypub.audit} logger; other lines are skipped, so a mixed log works too).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Answer 'what did client X download in month M' from audit log files (plain or .gz).")
final class AuditCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--client", description = "Client name, as given to 'keys create --client'.")
    String client;

    @Option(names = "--key", description = "Key id instead of (or as well as) the client name.")
    String keyId;

    @Option(names = "--month", required = true, description = "UTC month, YYYY-MM.")
    String month;

    @Option(names = "--json", description = "Print the matching audit lines as they are (JSON lines).")
    boolean json;

    @Parameters(arity = "1..*", description = "Audit log files.")
    List<Path> files;

    @Override
    public Integer call() throws IOException {
        String prefix;
        try {
            prefix = YearMonth.parse(month).toString();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Invalid month '" + month + "': use YYYY-MM");
        }
        if (client == null && keyId == null) {
            throw new IllegalArgumentException("Say whose downloads: --client NAME and/or --key ID");
        }
        List<JsonNode> downloads = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader in = open(file)) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode e = parse(line);
                    if (e != null && e.path("download").asBoolean(false) && e.path("time").asText("").startsWith(prefix)
                            && (client == null || client.equals(e.path("client").asText(null)))
                            && (keyId == null || keyId.equals(e.path("key_id").asText(null)))) {
                        downloads.add(e);
                    }
                }
            }
        }
        downloads.sort((a, b) -> a.path("time").asText().compareTo(b.path("time").asText()));
        if (json) {
            for (JsonNode d : downloads) {
                System.out.println(JSON.writeValueAsString(d));
            }
            return 0;
        }
        String who = client != null ? "client '" + client + "'" : "key " + keyId;
        System.out.println(downloads.size() + " downloads by " + who + " in " + prefix + ":");
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
        return 0;
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String line) {
        int start = line.indexOf('{');
        if (start < 0) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(line.substring(start));
            return n != null && n.isObject() && n.has("request_id") ? n : null;
        } catch (IOException e) {
            return null;
        }
    }
}
