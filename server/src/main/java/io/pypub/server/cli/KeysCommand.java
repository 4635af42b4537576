package io.pypub.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pypub.core.access.AccessException;
import io.pypub.core.access.ApiKey;
import io.pypub.core.access.ApiKeyTable;
import io.pypub.core.access.ApiKeys;
import io.pypub.core.access.DownloadQuota;
import io.pypub.core.access.IssuedKey;
import io.pypub.core.access.KeyPolicy;
import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.storage.AwsClients;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pypub keys}: client API keys. A key is printed once, by create and rotate; only its hash is stored. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list, show, revoke and rotate client API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Show.class, KeysCommand.Revoke.class,
                KeysCommand.Rotate.class})
final class KeysCommand {
    /** Built on first use (--json only): Jackson's databind is about 350 classes that `keys list` would load for nothing. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static ApiKeys keys(AwsClients clients) {
        return new ApiKeys(new ApiKeyTable(clients.dynamo(), clients.settings().accessTable()), Clock.systemUTC());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key and print it (the only time it is shown): the key alone on stdout, details on stderr.")
    static final class Create implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Option(names = "--client", required = true, description = "Who holds the key (a customer or team name).")
        String client;

        @Option(names = "--stages", required = true, split = ",", description = "Stages the key may read, e.g. prod or prod,test.")
        List<String> stages;

        @Option(names = "--projects", split = ",", description = "Limit the key to these projects or patterns like 'acme-*' (default: all projects of its stages).")
        List<String> projects;

        @Option(names = "--scopes", split = ",", description = "What the key may do: download, publish (the upload API twine and uv use), "
                + "or download,publish (default: download).")
        List<String> scopes;

        @Option(names = "--rate", defaultValue = KeyPolicy.DEFAULT_RATE_PER_SECOND + "/s",
                description = "Request rate: N, N/s, N/m or N/h; 0 for no limit (default ${DEFAULT-VALUE}; per index instance).")
        String rate;

        @Option(names = "--burst", defaultValue = "" + KeyPolicy.DEFAULT_BURST,
                description = "Requests allowed at once above the rate (default ${DEFAULT-VALUE}: a uv or pip resolve of a few "
                        + "hundred packages passes without a 429).")
        int burst;

        @Option(names = "--daily", description = "File downloads per UTC day (default: unlimited).")
        Long daily;

        @Option(names = "--monthly", description = "File downloads per UTC month (default: unlimited).")
        Long monthly;

        @Option(names = "--expires", description = "Last day the key works (YYYY-MM-DD, through the end of that UTC day) or an ISO instant.")
        String expires;

        @Option(names = {"--actor", "--created-by"}, defaultValue = "${env:BUILD_URL}",
                description = "Who creates the key: recorded as its creator and in the audit trail (default: $BUILD_URL, else user@host).")
        String createdBy;

        @Option(names = "--json", description = "Print the key and its settings as JSON on stdout.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Instant expiry = parseExpiry(expires);
            if (expiry != null && !expiry.isAfter(Instant.now())) {
                throw new AccessException("The expiry " + expires.strip() + " is in the past: the key would never work. "
                        + "Give a future day (YYYY-MM-DD, valid through its end in UTC) or leave --expires out.");
            }
            KeyPolicy policy = new KeyPolicy(client, Set.copyOf(stages), projects == null ? Set.of() : Set.copyOf(projects),
                    parseRate(rate), burst, daily, monthly, expiry, scopes == null ? Set.of() : Set.copyOf(scopes));
            String actor = createdBy != null && !createdBy.isBlank() ? createdBy : PublishCommand.defaultPublisher();
            try (AwsClients clients = aws.clients()) {
                AuditEvent.Builder event = AuditEvent.of("keys.create", actor).client(client)
                        .detail("stages", String.join(",", policy.stages().stream().sorted().toList()))
                        .detail("projects", policy.projects().isEmpty() ? null : String.join(",", policy.projects().stream().sorted().toList()))
                        .detail("scopes", String.join(",", policy.scopes().stream().sorted().toList()))
                        .detail("expires", expiry);
                IssuedKey issued = ChangeLog.on(clients).run(event, () -> keys(clients).create(policy, actor), k -> {
                    event.keyId(k.key().keyId());
                    return "Created key " + k.key().keyId() + " for client '" + k.key().client() + "'";
                });
                printIssued(issued, json, "Created");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (ids and settings, never secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (AwsClients clients = aws.clients()) {
                List<ApiKey> all = keys(clients).list();
                Instant now = Instant.now();
                if (json) {
                    System.out.println(Json.MAPPER.writeValueAsString(all.stream().map(k -> describe(k, now, null)).toList()));
                    return 0;
                }
                System.out.printf("%-10s  %-20s  %-14s  %-8s  %-16s  %-10s  %s%n", "KEY ID", "CLIENT", "STAGES", "STATUS", "RATE",
                        "EXPIRES", "QUOTAS (day/month)");
                for (ApiKey k : all) {
                    KeyPolicy p = k.policy();
                    System.out.printf("%-10s  %-20s  %-14s  %-8s  %-16s  %-10s  %s/%s%n", k.keyId(), p.client(),
                            String.join(",", p.stages()) + (p.projects().isEmpty() ? "" : " (" + p.projects().size() + " projects)"),
                            k.status(now).name().toLowerCase(), rateText(p), p.expires() == null ? "never" : LocalDate.ofInstant(
                                    p.expires().minusSeconds(1), ZoneOffset.UTC), quota(p.dailyDownloads()), quota(p.monthlyDownloads()));
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a key's settings and this day's and month's downloads.")
    static final class Show implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Parameters(index = "0", description = "Key id (the 10 characters after 'pypub_').")
        String keyId;

        @Override
        public Integer call() throws Exception {
            try (AwsClients clients = aws.clients()) {
                ApiKey k = keys(clients).show(keyId);
                DownloadQuota.Usage usage = new DownloadQuota(clients.dynamo(), clients.settings().accessTable(), Clock.systemUTC())
                        .usage(k.keyId());
                System.out.println(Json.MAPPER.writeValueAsString(describe(k, Instant.now(), usage)));
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: every index refuses it within seconds.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Mixin
        ActorOption actor;

        @Parameters(index = "0", description = "Key id.")
        String keyId;

        @Override
        public Integer call() {
            try (AwsClients clients = aws.clients()) {
                AuditEvent.Builder event = AuditEvent.of("keys.revoke", actor.actor()).keyId(keyId);
                ApiKey k = ChangeLog.on(clients).run(event, () -> keys(clients).revoke(keyId), r -> {
                    event.client(r.client());
                    return "Revoked key " + r.keyId();
                });
                System.out.println("Revoked key " + k.keyId() + " of client '" + k.client() + "' (every index refuses it within a few seconds).");
            }
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Give a key a new secret with the same settings and print it; the old secret stops working within seconds.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        AwsOptions aws;

        @Mixin
        ActorOption actor;

        @Parameters(index = "0", description = "Key id.")
        String keyId;

        @Option(names = "--json", description = "Print the key and its settings as JSON on stdout.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (AwsClients clients = aws.clients()) {
                AuditEvent.Builder event = AuditEvent.of("keys.rotate", actor.actor()).keyId(keyId);
                IssuedKey issued = ChangeLog.on(clients).run(event, () -> keys(clients).rotate(keyId), k -> {
                    event.client(k.key().client());
                    return "Rotated key " + k.key().keyId() + " (new secret, same settings)";
                });
                printIssued(issued, json, "Rotated");
            }
            return 0;
        }
    }

    private static void printIssued(IssuedKey issued, boolean json, String verb) throws Exception {
        ApiKey k = issued.key();
        if (json) {
            Map<String, Object> out = describe(k, Instant.now(), null);
            out.put("key", issued.token().reveal());
            System.out.println(Json.MAPPER.writeValueAsString(out));
            return;
        }
        System.err.println(verb + " key " + k.keyId() + " for client '" + k.client() + "', stages " + String.join(",", k.policy().stages())
                + ". This is the only time the key is shown; store it now:");
        System.out.println(issued.token().reveal());
        if (k.policy().allows(KeyPolicy.DOWNLOAD)) {
            System.err.println("Use it as https://__token__:KEY@HOST/" + k.policy().stages().iterator().next()
                    + "/simple/ (pip.conf, netrc), 'Authorization: Bearer KEY', or ?key=KEY on direct download URLs.");
        }
        if (k.policy().allows(KeyPolicy.PUBLISH)) {
            System.err.println("Publish with it: twine upload --repository-url https://HOST/" + k.policy().stages().iterator().next()
                    + "/legacy/ -u __token__ -p KEY dist/*  (or UV_PUBLISH_URL, UV_PUBLISH_TOKEN with uv publish)");
        }
    }

    static Map<String, Object> describe(ApiKey k, Instant now, DownloadQuota.Usage usage) {
        KeyPolicy p = k.policy();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", k.keyId());
        m.put("client", p.client());
        m.put("status", k.status(now).name().toLowerCase());
        m.put("stages", p.stages().stream().sorted().toList());
        m.put("projects", p.projects().isEmpty() ? "all" : p.projects().stream().sorted().toList());
        m.put("scopes", p.scopes().stream().sorted().toList());
        m.put("rate", rateText(p));
        m.put("burst", p.burst());
        m.put("daily_quota", p.dailyDownloads() == null ? "unlimited" : p.dailyDownloads());
        m.put("monthly_quota", p.monthlyDownloads() == null ? "unlimited" : p.monthlyDownloads());
        m.put("expires", p.expires() == null ? "never" : p.expires().toString());
        m.put("created", String.valueOf(k.created()));
        m.put("created_by", k.createdBy());
        if (k.rotated() != null) {
            m.put("rotated", k.rotated().toString());
        }
        if (k.revoked() != null) {
            m.put("revoked", k.revoked().toString());
        }
        if (usage != null) {
            m.put("downloads_today", usage.today());
            m.put("downloads_this_month", usage.thisMonth());
        }
        return m;
    }

    private static String rateText(KeyPolicy p) {
        if (p.ratePerSecond() == 0) {
            return "unlimited";
        }
        double r = p.ratePerSecond();
        return (r == Math.rint(r) ? Long.toString((long) r) : String.format("%.3f", r)) + "/s";
    }

    private static String quota(Long q) {
        return q == null ? "-" : q.toString();
    }

    /** {@code 10}, {@code 10/s}, {@code 600/m}, {@code 3600/h} as requests per second. */
    static double parseRate(String text) {
        String t = text.strip().toLowerCase();
        double per = 1;
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("/m")) {
            t = t.substring(0, t.length() - 2);
            per = 60;
        } else if (t.endsWith("/h")) {
            t = t.substring(0, t.length() - 2);
            per = 3600;
        }
        try {
            return Double.parseDouble(t) / per;
        } catch (NumberFormatException e) {
            throw new AccessException("Invalid rate '" + text + "': use N, N/s, N/m or N/h");
        }
    }

    static Instant parseExpiry(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip()).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text.strip());
            } catch (DateTimeParseException e2) {
                throw new AccessException("Invalid expiry '" + text + "': use YYYY-MM-DD or an ISO instant like 2026-12-31T18:00:00Z");
            }
        }
    }
}
