package io.pypub.core.upstream;

import io.pypub.core.config.Config;
import io.pypub.core.config.ConfigException;
import io.pypub.core.config.Settings;
import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The stages' upstreams as the index and the publish-time check use them: per stage the upstream
 * simple indexes (in order), the mode, and the private name patterns; the page TTL and the request
 * timeout for all. Read from the configuration catalogue ({@link Settings#UPSTREAM} and the settings
 * after it: options of {@code serve}, the same environment variables on Lambda, profile keys).
 *
 * @param stages the upstreams of each stage that has any, with the stage's mode
 * @param modes the modes as configured, by stage, {@code *} for every other stage
 * @param privatePatterns name patterns by stage, {@code *} for every stage
 */
public record UpstreamSettings(Map<String, StageUpstreams> stages, Map<String, Mode> modes, Map<String, List<String>> privatePatterns,
        Duration pageTtl, Duration timeout) {

    public enum Mode {
        /** Pull-through: fetched once, verified against the upstream's sha256, kept in S3, served from there. */
        CACHE,
        /** A 302 to the upstream's own file URL. */
        REDIRECT
    }

    /** The upstreams of one stage, asked in order; the first that knows a project serves all of it. */
    public record StageUpstreams(List<UpstreamUrl> urls, Mode mode) {
        public StageUpstreams {
            urls = List.copyOf(urls);
        }
    }

    public static final Duration DEFAULT_PAGE_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public UpstreamSettings {
        stages = Map.copyOf(stages);
        modes = Map.copyOf(modes);
        privatePatterns = Map.copyOf(privatePatterns);
        for (var e : stages.entrySet()) {
            if (e.getValue().mode() == Mode.REDIRECT && e.getValue().urls().stream().anyMatch(UpstreamUrl::hasCredentials)) {
                throw new IllegalArgumentException("stage '" + e.getKey() + "': redirect mode would hand the upstream's "
                        + "credentials to every client; set " + Settings.UPSTREAM_MODE.describe() + " to cache for an upstream "
                        + "that needs a login");
            }
        }
    }

    public static UpstreamSettings none() {
        return new UpstreamSettings(Map.of(), Map.of("*", Mode.CACHE), Map.of(), DEFAULT_PAGE_TTL, DEFAULT_TIMEOUT);
    }

    public boolean isEmpty() {
        return stages.isEmpty();
    }

    public Optional<StageUpstreams> forStage(Stage stage) {
        return Optional.ofNullable(stages.get(stage.name()));
    }

    /** Whether {@code project} matches one of the stage's private name patterns (or the all-stages ones). */
    public boolean matchesPrivatePattern(Stage stage, String project) {
        String name = ProjectName.normalize(project);
        for (String key : List.of(stage.name(), "*")) {
            for (String p : privatePatterns.getOrDefault(key, List.of())) {
                if (glob(p).matcher(name).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** A name pattern as names are compared: PEP 503 normalized, wildcards kept. */
    static String normalizePattern(String p) {
        String s = p.strip().toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
        if (!s.matches("[a-z0-9*?-]+")) {
            throw new IllegalArgumentException("a private name pattern is a project name with * and ? wildcards, got '"
                    + ProjectName.printable(p) + "'");
        }
        return s;
    }

    /**
     * From option or environment values.
     *
     * @param upstreams {@code STAGE=URL} entries (a stage may have several, asked in order)
     * @param modes {@code cache}, {@code redirect}, or {@code STAGE=MODE} entries (default cache)
     * @param privateNames {@code STAGE=PATTERN,PATTERN} or {@code PATTERN,PATTERN} (every stage)
     */
    public static UpstreamSettings parse(List<String> upstreams, List<String> modes, List<String> privateNames, double pageSeconds,
            double timeoutSeconds) {
        if (!(pageSeconds >= 0) || !(timeoutSeconds > 0) || timeoutSeconds > 300) {
            throw new IllegalArgumentException("upstream page seconds must be 0 or more and the timeout between 0 and 300 seconds");
        }
        Mode defaultMode = Mode.CACHE;
        Map<String, Mode> stageModes = new LinkedHashMap<>();
        for (String m : nonBlank(modes)) {
            int eq = m.indexOf('=');
            if (eq < 0) {
                defaultMode = mode(m);
            } else {
                stageModes.put(stage(m.substring(0, eq)), mode(m.substring(eq + 1)));
            }
        }
        Map<String, List<UpstreamUrl>> urls = new LinkedHashMap<>();
        for (String u : nonBlank(upstreams)) {
            int eq = u.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("an upstream is STAGE=URL, e.g. dev=https://pypi.org/simple/ (got "
                        + UpstreamUrl.redact(u) + ")");
            }
            urls.computeIfAbsent(stage(u.substring(0, eq)), k -> new ArrayList<>()).add(UpstreamUrl.parse(u.substring(eq + 1)));
        }
        Map<String, StageUpstreams> stages = new LinkedHashMap<>();
        for (var e : urls.entrySet()) {
            stages.put(e.getKey(), new StageUpstreams(e.getValue(), stageModes.getOrDefault(e.getKey(), defaultMode)));
        }
        Map<String, List<String>> patterns = new LinkedHashMap<>();
        for (String p : nonBlank(privateNames)) {
            int eq = p.indexOf('=');
            String key = eq < 0 ? "*" : stage(p.substring(0, eq));
            for (String one : (eq < 0 ? p : p.substring(eq + 1)).split(",")) {
                if (!one.isBlank()) {
                    patterns.computeIfAbsent(key, k -> new ArrayList<>()).add(normalizePattern(one));
                }
            }
        }
        Map<String, Mode> configuredModes = new LinkedHashMap<>(stageModes);
        configuredModes.put("*", defaultMode);
        return new UpstreamSettings(stages, configuredModes, patterns, Duration.ofMillis(Math.round(pageSeconds * 1000)),
                Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
    }

    /** The effective upstream settings; a combination that cannot work is one clear error naming the settings. */
    public static UpstreamSettings from(Config config) {
        List<String> upstreams = config.get(Settings.UPSTREAM);
        List<String> modes = config.get(Settings.UPSTREAM_MODE);
        List<String> privateNames = config.get(Settings.PRIVATE_NAMES);
        double pageSeconds = config.get(Settings.UPSTREAM_PAGE_SECONDS);
        double timeoutSeconds = config.get(Settings.UPSTREAM_TIMEOUT_SECONDS);
        try {
            return parse(upstreams, modes, privateNames, pageSeconds, timeoutSeconds);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid upstream settings: " + UpstreamUrl.redact(e.getMessage()));
        }
    }

    /** The same settings from environment variables only (the Lambda function; the Jenkins agent's build environment). */
    public static UpstreamSettings fromEnvironment(Map<String, String> env) {
        return from(Config.fromEnvironment(env));
    }

    /** One line per stage for logs and banners, credentials redacted. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        stages.forEach((stage, s) -> out.add("stage '" + stage + "': upstream " + s.urls() + ", mode " + s.mode().name().toLowerCase(Locale.ROOT)
                + ", private names " + privatePatternsOf(stage)));
        return out;
    }

    public List<String> privatePatternsOf(String stage) {
        List<String> all = new ArrayList<>(privatePatterns.getOrDefault(stage, List.of()));
        all.addAll(privatePatterns.getOrDefault("*", List.of()));
        return all;
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
    }

    private static String stage(String name) {
        return Stage.of(name.strip()).name();
    }

    private static Mode mode(String text) {
        try {
            return Mode.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstream mode must be cache or redirect, got '" + ProjectName.printable(text) + "'");
        }
    }
}
