package io.pypub.server.access;

import io.pypub.core.project.ProjectName;
import io.pypub.core.release.Stage;
import io.pypub.server.index.IndexRequest;
import java.util.List;

/**
 * What a request asks for, as far as access control cares: which stage, project and file, and
 * whether it is a page, a counted download, docs, or an open endpoint. Derived from the path
 * alone, before routing, so nothing is read for a request that will be refused.
 *
 * @param project PEP 503 normalized, or null
 * @param file file name of a {@code /files/} URL, or null (the direct URL's file is known only after routing)
 */
public record RequestTarget(Kind kind, String stage, String project, String version, String file) {

    public enum Kind {
        /** {@code /healthz}, {@code /metrics}: no credentials. */
        OPEN,
        /** Simple API and other pages of a stage. */
        PAGE,
        /** A package file (counted against download quotas). */
        DOWNLOAD,
        /** A file's PEP 658 metadata: read by resolvers before downloading, not counted. */
        METADATA,
        /** pdoc HTML: docs users only. */
        DOCS,
        /** Anything not under a stage: needs a valid key, then routing decides. */
        OTHER
    }

    public static RequestTarget of(IndexRequest request) {
        List<String> s = request.segments();
        if (s.size() == 1 && (s.get(0).equals("healthz") || s.get(0).equals("metrics"))) {
            return new RequestTarget(Kind.OPEN, null, null, null, null);
        }
        if (s.isEmpty() || !isStage(s.get(0))) {
            return new RequestTarget(Kind.OTHER, null, null, null, null);
        }
        String stage = s.get(0);
        if (s.size() == 1) {
            return new RequestTarget(Kind.PAGE, stage, null, null, null);
        }
        String second = s.get(1);
        if (second.equals("simple")) {
            return new RequestTarget(Kind.PAGE, stage, project(s, 2), null, null);
        }
        if (second.equals("docs")) {
            return new RequestTarget(Kind.DOCS, stage, project(s, 2), s.size() > 3 ? s.get(3) : null, null);
        }
        if (second.equals("files")) {
            String file = s.size() == 5 ? s.get(4) : null;
            Kind kind = file == null ? Kind.PAGE : file.endsWith(".metadata") ? Kind.METADATA : Kind.DOWNLOAD;
            return new RequestTarget(kind, stage, project(s, 2), s.size() > 3 ? s.get(3) : null, file);
        }
        if (s.size() == 3) {
            return new RequestTarget(Kind.DOWNLOAD, stage, project(s, 1), s.get(2), null);
        }
        return new RequestTarget(Kind.PAGE, stage, project(s, 1), null, null);
    }

    /** The normalized project name at {@code index}; an invalid name stays as given so the check refuses it. */
    private static String project(List<String> s, int index) {
        if (s.size() <= index) {
            return null;
        }
        String name = s.get(index);
        return ProjectName.isValid(name) ? ProjectName.normalize(name) : name;
    }

    private static boolean isStage(String name) {
        try {
            Stage.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
