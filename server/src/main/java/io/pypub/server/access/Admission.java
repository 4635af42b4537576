package io.pypub.server.access;

import io.pypub.core.access.ApiKey;
import io.pypub.core.access.DocsUser;
import io.pypub.server.exchange.IndexResponse;

/**
 * The gate's answer for one request: let it through (as a key, a docs user, or anonymously when
 * auth is off or the path is open), or the response refusing it. Also what the audit line says
 * about who asked, including the key id of a refused key.
 *
 * @param denial the refusal, or null when admitted
 * @param keyId the presented key's id (also when refused), or null
 * @param reason why it was refused, for the audit log; null when admitted
 * @param linkQuery appended to links on pages: {@code ?key=...} when the key came in the query, else ""
 */
public record Admission(IndexResponse denial, ApiKey key, DocsUser user, String keyId, String reason, String linkQuery) {

    public static Admission anonymous() {
        return new Admission(null, null, null, null, null, "");
    }

    static Admission denied(IndexResponse denial, String keyId, String reason) {
        return new Admission(denial, null, null, keyId, reason, "");
    }

    public boolean admitted() {
        return denial == null;
    }

    /** True when someone proved who they are; their responses are private to them (Cache-Control). */
    public boolean authenticated() {
        return key != null || user != null;
    }

    /** Whether a project may be shown to this caller (project-limited keys see only their projects). */
    public boolean allowsProject(String normalizedProject) {
        return key == null || key.policy().allowsProject(normalizedProject);
    }

    /**
     * Whether every project may be shown (no key, or a key not limited to projects): then a listing needs no
     * filtering, which at 10,000 projects cost more per request than sending the kept page.
     */
    public boolean allowsEveryProject() {
        return key == null || key.policy().allowsEveryProject();
    }

    public String client() {
        return key != null ? key.client() : null;
    }
}
