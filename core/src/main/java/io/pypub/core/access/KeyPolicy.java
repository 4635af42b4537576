package io.pypub.core.access;

import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a key may do: who holds it, which stages (and optionally which projects) it reads, how fast
 * and how much it may download, and until when.
 *
 * @param projects PEP 503 normalized names; empty means every project of its stages
 * @param ratePerSecond sustained requests per second; 0 means no rate limit
 * @param burst requests allowed at once above the rate (token bucket size)
 * @param dailyDownloads file downloads per UTC day; null means unlimited
 * @param monthlyDownloads file downloads per UTC month; null means unlimited
 * @param expires when the key stops working; null means never
 * @param scopes what the key may do in its stages and projects: {@link #DOWNLOAD} (read pages, metadata
 *     and files), {@link #PUBLISH} (upload with the legacy upload API), or both; keys stored before
 *     scopes existed, and keys created without {@code --scopes}, are download keys
 */
public record KeyPolicy(
        String client,
        Set<String> stages,
        Set<String> projects,
        double ratePerSecond,
        int burst,
        Long dailyDownloads,
        Long monthlyDownloads,
        Instant expires,
        Set<String> scopes) {

    public static final String DOWNLOAD = "download";
    public static final String PUBLISH = "publish";
    private static final Set<String> SCOPES = Set.of(DOWNLOAD, PUBLISH);

    /** A download key (what every key was before scopes). */
    public KeyPolicy(String client, Set<String> stages, Set<String> projects, double ratePerSecond, int burst,
            Long dailyDownloads, Long monthlyDownloads, Instant expires) {
        this(client, stages, projects, ratePerSecond, burst, dailyDownloads, monthlyDownloads, expires, Set.of(DOWNLOAD));
    }

    /**
     * Default limits of a new key, sized for resolvers: uv fetches a page and a {@code .metadata}
     * per package, dozens at once, so a lock of a few hundred packages is several hundred requests
     * within seconds; 10/s with a burst of 100 made {@code uv pip compile} fail on 429.
     */
    public static final int DEFAULT_RATE_PER_SECOND = 50;
    public static final int DEFAULT_BURST = 1000;

    public KeyPolicy {
        if (client == null || client.isBlank() || client.length() > 100 || client.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new AccessException("Client name must be 1 to 100 printable characters");
        }
        client = client.strip();
        if (stages == null || stages.isEmpty()) {
            throw new AccessException("A key needs at least one stage (e.g. --stages prod)");
        }
        stages = validStages(stages);
        projects = projects == null ? Set.of() : normalizedProjects(projects);
        scopes = validScopes(scopes);
        if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
            throw new AccessException("Rate must be 0 (unlimited) or a positive number of requests per second");
        }
        if (ratePerSecond > 0 && burst < 1) {
            throw new AccessException("Burst must be at least 1 when a rate is set");
        }
        if (dailyDownloads != null && dailyDownloads < 1 || monthlyDownloads != null && monthlyDownloads < 1) {
            throw new AccessException("Download quotas must be positive (leave them out for unlimited)");
        }
    }

    public boolean allowsStage(String stage) {
        return stages.contains(stage);
    }

    /** True when the key is not limited to projects: it sees every project of its stages. */
    public boolean allowsEveryProject() {
        return projects.isEmpty();
    }

    /**
     * True when the key is not limited to projects or lists this one (normalized name); a listed
     * pattern with {@code *} (e.g. {@code acme-*}) matches any run of characters there.
     */
    public boolean allowsProject(String project) {
        if (allowsEveryProject() || projects.contains(project)) {
            return true;
        }
        for (String p : projects) {
            if (p.indexOf('*') >= 0 && globMatches(p, project)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the key has this scope ({@link #DOWNLOAD} or {@link #PUBLISH}). */
    public boolean allows(String scope) {
        return scopes.contains(scope);
    }

    private static boolean globMatches(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        String[] parts = pattern.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(java.util.regex.Pattern.quote(parts[i]));
        }
        return name.matches(re.toString());
    }

    private static Set<String> validScopes(Collection<String> given) {
        if (given == null || given.isEmpty()) {
            return Set.of(DOWNLOAD);
        }
        Set<String> out = new TreeSet<>();
        for (String s : given) {
            String scope = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (!SCOPES.contains(scope)) {
                throw new AccessException("Unknown scope '" + ProjectName.printable(s) + "': use download, publish or both "
                        + "(--scopes download,publish)");
            }
            out.add(scope);
        }
        return Set.copyOf(out);
    }

    private static Set<String> validStages(Collection<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            try {
                out.add(Stage.of(n.strip()).name());
            } catch (IllegalArgumentException e) {
                throw new AccessException(e.getMessage());
            }
        }
        return Set.copyOf(out);
    }

    private static Set<String> normalizedProjects(Collection<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            String name = n.strip();
            if (name.indexOf('*') >= 0) {
                // A pattern: each part between the stars is normalized like a name (acme_* -> acme-*).
                String probe = name.replace("*", "x");
                if (!ProjectName.isValid(probe) && !ProjectName.isValid("x" + probe + "x")) {
                    throw new AccessException("Invalid project pattern '" + ProjectName.printable(n) + "'");
                }
                out.add(name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-"));
                continue;
            }
            if (!ProjectName.isValid(name)) {
                throw new AccessException("Invalid project name '" + ProjectName.printable(n) + "'");
            }
            out.add(ProjectName.normalize(name));
        }
        return Set.copyOf(out);
    }
}
