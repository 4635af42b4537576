package io.pypub.core.release;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a release came from: the CI build that published it (Jenkins URL, job, build number and
 * URL, commit, agent, pypub plugin version) and every build that promoted it since. Each field is
 * optional (null when the publisher did not know it); {@link #EMPTY} is a release with no
 * provenance, e.g. one recorded before provenance existed.
 *
 * @param promotions the promotions that brought the release to its stage, oldest first
 * @param uploadedBy for a release that came through the upload API (twine, uv): the key, its client and the address
 *                   that uploaded its first file, e.g. {@code key 0123456789 (client github-ci) from address 10.0.0.7}
 */
public record Provenance(
        String jenkinsUrl,
        String job,
        String buildNumber,
        String buildUrl,
        String commit,
        String agent,
        String pluginVersion,
        List<Promotion> promotions,
        String uploadedBy) {

    public static final Provenance EMPTY = new Provenance(null, null, null, null, null, null, null, List.of());

    /** A build's provenance (no upload). */
    public Provenance(String jenkinsUrl, String job, String buildNumber, String buildUrl, String commit, String agent,
            String pluginVersion, List<Promotion> promotions) {
        this(jenkinsUrl, job, buildNumber, buildUrl, commit, agent, pluginVersion, promotions, null);
    }

    /** A release uploaded through the upload API: by which key (and client) from which address. */
    public static Provenance uploaded(String keyId, String client, String address) {
        return new Provenance(null, null, null, null, null, null, null, List.of(),
                "key " + keyId + (client == null ? "" : " (client " + client + ")") + " from address " + address);
    }

    /** Environment variables a CI build sets (Jenkins' names), as {@link #fromEnvironment} reads them. */
    public static final List<String> ENVIRONMENT = List.of("JENKINS_URL", "JOB_NAME", "BUILD_NUMBER", "BUILD_URL",
            "GIT_COMMIT", "NODE_NAME");

    /** One promotion: from which stage to which, by whom (a build URL or user@host), when. */
    public record Promotion(Stage from, Stage to, String by, Instant at) {
        public Promotion {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            by = clean(by);
        }
    }

    public Provenance {
        jenkinsUrl = clean(jenkinsUrl);
        job = clean(job);
        buildNumber = clean(buildNumber);
        buildUrl = clean(buildUrl);
        commit = clean(commit);
        agent = clean(agent);
        pluginVersion = clean(pluginVersion);
        uploadedBy = clean(uploadedBy);
        promotions = promotions == null ? List.of() : List.copyOf(promotions);
    }

    /** What a CI build's environment says (Jenkins: JENKINS_URL, JOB_NAME, BUILD_NUMBER, BUILD_URL, GIT_COMMIT, NODE_NAME). */
    public static Provenance fromEnvironment(Map<String, String> env) {
        return new Provenance(env.get("JENKINS_URL"), env.get("JOB_NAME"), env.get("BUILD_NUMBER"), env.get("BUILD_URL"),
                env.get("GIT_COMMIT"), env.get("NODE_NAME"), null, List.of());
    }

    /** The same provenance with one more promotion at the end. */
    public Provenance promoted(Stage from, Stage to, String by, Instant at) {
        List<Promotion> all = new ArrayList<>(promotions);
        all.add(new Promotion(from, to, by, at));
        return new Provenance(jenkinsUrl, job, buildNumber, buildUrl, commit, agent, pluginVersion, all, uploadedBy);
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }

    /** The build fields by their stored names ({@code jenkins_url}, {@code job}, ...), only those that are set, in a stable order. */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "jenkins_url", jenkinsUrl);
        put(m, "job", job);
        put(m, "build_number", buildNumber);
        put(m, "build_url", buildUrl);
        put(m, "commit", commit);
        put(m, "agent", agent);
        put(m, "plugin_version", pluginVersion);
        put(m, "uploaded_by", uploadedBy);
        return m;
    }

    /** The inverse of {@link #fields()}. */
    public static Provenance of(Map<String, String> fields, List<Promotion> promotions) {
        return new Provenance(fields.get("jenkins_url"), fields.get("job"), fields.get("build_number"), fields.get("build_url"),
                fields.get("commit"), fields.get("agent"), fields.get("plugin_version"), promotions, fields.get("uploaded_by"));
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
