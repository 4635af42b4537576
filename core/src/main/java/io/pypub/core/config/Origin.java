package io.pypub.core.config;

/**
 * Where a setting's effective value came from. Precedence, highest first: {@link Kind#OPTION},
 * {@link Kind#ENVIRONMENT}, {@link Kind#PROFILE}, {@link Kind#DEFAULT}; a Jenkins target or step
 * ({@link Kind#JENKINS}) is the only source inside Jenkins.
 *
 * @param detail the option, variable, profile or field, e.g. {@code --bucket}, {@code PYPUB_BUCKET}
 */
public record Origin(Kind kind, String detail) {
    public enum Kind { OPTION, ENVIRONMENT, PROFILE, JENKINS, DEFAULT, UNSET }

    public static final Origin DEFAULT = new Origin(Kind.DEFAULT, "");
    public static final Origin UNSET = new Origin(Kind.UNSET, "");

    public static Origin option(String option) {
        return new Origin(Kind.OPTION, option);
    }

    public static Origin environment(String variable) {
        return new Origin(Kind.ENVIRONMENT, variable);
    }

    public static Origin profile(String profile, String file) {
        return new Origin(Kind.PROFILE, "'" + profile + "' in " + file);
    }

    public static Origin jenkins(String field) {
        return new Origin(Kind.JENKINS, field);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case OPTION -> "option " + detail;
            case ENVIRONMENT -> "environment variable " + detail;
            case PROFILE -> "profile " + detail;
            case JENKINS -> "Jenkins field " + detail;
            case DEFAULT -> "default";
            case UNSET -> "not set";
        };
    }
}
