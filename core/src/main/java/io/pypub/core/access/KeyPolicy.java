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
 */
public record KeyPolicy(
        String client,
        Set<String> stages,
        Set<String> projects,
        double ratePerSecond,
        int burst,
        Long dailyDownloads,
        Long monthlyDownloads,
        Instant expires) {

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

    /** True when the key is not limited to projects or lists this one (normalized name). */
    public boolean allowsProject(String project) {
        return projects.isEmpty() || projects.contains(project);
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
            if (!ProjectName.isValid(n.strip())) {
                throw new AccessException("Invalid project name '" + ProjectName.printable(n) + "'");
            }
            out.add(ProjectName.normalize(n.strip()));
        }
        return Set.copyOf(out);
    }
}
