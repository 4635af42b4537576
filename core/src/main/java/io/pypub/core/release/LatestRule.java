package io.pypub.core.release;

/**
 * Which release {@code latest} names when no rollback pinned it: what {@code pip install PROJECT}
 * installs by default. pip skips pre- and dev releases unless nothing else is there (PEP 440), so
 * a final release beats any pre-release, then the higher version wins. Yanked releases never count
 * (callers leave them out).
 */
public final class LatestRule {
    private LatestRule() {}

    /** The one of two candidates that {@code latest} prefers; either may be null. */
    public static Release better(Release a, Release b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        boolean aFinal = !a.version().isPreRelease();
        boolean bFinal = !b.version().isPreRelease();
        if (aFinal != bFinal) {
            return aFinal ? a : b;
        }
        return a.version().compareTo(b.version()) >= 0 ? a : b;
    }
}
