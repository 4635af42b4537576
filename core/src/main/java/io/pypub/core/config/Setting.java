package io.pypub.core.config;

import io.pypub.core.project.ProjectName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One deployment setting, declared once in {@link Settings}: its name (the key in a profile), its
 * command-line options, its environment variables, which front ends read it, its Jenkins fields,
 * its default, its rule and its help text, and whether it is a secret. The command line builds its
 * options from this declaration, the Lambda function reads the same variables, the Jenkins plugin
 * maps its fields to it, and {@code pypub config show} prints it.
 *
 * <p>Secrets have no command-line option (argv is visible to every local user and lands in shell
 * history): they come from the environment, a profile, or Jenkins credentials.
 */
public final class Setting<T> {
    /** Who uses a setting; the command line gives each command the options of its groups. */
    public enum Group { DEPLOYMENT, INDEX, PUBLISH, IMPORT }

    private final String name;
    private final Group group;
    private final List<String> options;
    private final List<String> envs;
    private final Set<Front> fronts;
    private final List<JenkinsField> jenkins;
    private final String defaultValue;
    private final Parser<T> parser;
    private final String help;
    private final boolean secret;
    private final boolean flag;
    private final boolean repeatable;
    private final boolean urlCredentials;

    private Setting(Builder<T> b) {
        this.name = b.name;
        this.group = b.group;
        this.options = List.copyOf(b.options);
        this.envs = List.copyOf(b.envs);
        this.fronts = Set.copyOf(b.fronts);
        this.jenkins = List.copyOf(b.jenkins);
        this.defaultValue = b.defaultValue;
        this.parser = b.parser;
        this.help = Objects.requireNonNull(b.help, "help of " + b.name);
        this.secret = b.secret;
        this.flag = b.flag;
        this.repeatable = b.repeatable;
        this.urlCredentials = b.urlCredentials;
        if (secret && !options.isEmpty()) {
            throw new IllegalStateException("Secret setting " + name + " must not have a command-line option");
        }
        if (!jenkins.isEmpty() && !fronts.contains(Front.JENKINS) || jenkins.isEmpty() && fronts.contains(Front.JENKINS)) {
            throw new IllegalStateException("Setting " + name + ": Jenkins fields and the JENKINS front go together");
        }
    }

    public static <T> Builder<T> builder(String name, Group group, Parser<T> parser) {
        return new Builder<>(name, group, parser);
    }

    /** The name: the key in a profile and in {@code pypub config show}, e.g. {@code bucket}. */
    public String name() {
        return name;
    }

    public Group group() {
        return group;
    }

    /** Command-line options, the first one the name shown; empty for secrets and profile-only settings. */
    public List<String> options() {
        return options;
    }

    /** Environment variables, the first one documented; later ones are older spellings still read. */
    public List<String> envs() {
        return envs;
    }

    public String env() {
        return envs.isEmpty() ? null : envs.get(0);
    }

    public String option() {
        return options.isEmpty() ? null : options.get(0);
    }

    public Set<Front> fronts() {
        return fronts;
    }

    public boolean readBy(Front front) {
        return fronts.contains(front);
    }

    public List<JenkinsField> jenkins() {
        return jenkins;
    }

    /** The default as text (what a user would write), or null for none. */
    public String defaultValue() {
        return defaultValue;
    }

    public Parser<T> parser() {
        return parser;
    }

    public String help() {
        return help;
    }

    public boolean secret() {
        return secret;
    }

    /** A switch on the command line ({@code --no-auth}); its text is {@code true} or {@code false} elsewhere. */
    public boolean flag() {
        return flag;
    }

    /**
     * The setting as a message names it, the same whichever front end shows it, e.g.
     * "the bucket setting (--bucket, PYPUB_BUCKET; 'bucket' of the Jenkins target)".
     */
    public String describe() {
        List<String> ways = new ArrayList<>();
        if (option() != null) {
            ways.add(option());
        }
        if (env() != null) {
            ways.add(env());
        }
        String jenkinsPart = jenkins.isEmpty() ? "" : "; " + String.join(" or ", jenkins.stream().map(JenkinsField::toString).toList());
        return "the " + name + " setting (" + (ways.isEmpty() ? "profile only" : String.join(", ", ways)) + jenkinsPart + ")";
    }

    /** The value of {@code text} from {@code origin}; one clear error naming this setting and the origin otherwise. */
    public T parse(String text, Origin origin) {
        String stripped = text.strip();
        if (urlCredentials && origin.kind() == Origin.Kind.OPTION && UrlCredentials.present(stripped)) {
            throw new ConfigException("Invalid " + name + " (from " + origin + "): credentials in a URL are a secret and must not "
                    + "be given on the command line, where every local user can see them; set " + env() + " or a profile instead");
        }
        try {
            return parser.apply(stripped);
        } catch (IllegalArgumentException e) {
            String visible = redact(stripped);
            String shown = secret ? "" : " '" + ProjectName.printable(visible.length() > 200 ? visible.substring(0, 200) + "..." : visible) + "'";
            throw new ConfigException("Invalid " + name + shown + " (from " + origin + "): " + e.getMessage());
        }
    }

    /** The reason {@code text} is not valid, or null: for form validation (Jenkins' doCheck methods). */
    public String check(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            parser.apply(text.strip());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Text for a value in output: secrets masked. */
    public String show(String text) {
        if (text == null) {
            return "(not set)";
        }
        return secret ? "******** (set)" : redact(text);
    }

    /** An option that may be given more than once; its values are joined with ';', as in its environment variable. */
    public boolean repeatable() {
        return repeatable;
    }

    /**
     * Its text may hold URLs with credentials ({@code https://user:token@host/}): they are a secret, so
     * shown as {@code ***@} in output and messages, and refused from the command line (argv is visible
     * to every local user); the environment, a profile or Jenkins may hold them.
     */
    public boolean urlCredentials() {
        return urlCredentials;
    }

    /** {@code text} as output and messages may show it: credentials in URLs replaced by {@code ***}. */
    public String redact(String text) {
        return urlCredentials && text != null ? UrlCredentials.redact(text) : text;
    }

    @Override
    public String toString() {
        return name;
    }

    public static final class Builder<T> {
        private final String name;
        private final Group group;
        private final Parser<T> parser;
        private final List<String> options = new ArrayList<>();
        private final List<String> envs = new ArrayList<>();
        private final Set<Front> fronts = EnumSet.noneOf(Front.class);
        private final List<JenkinsField> jenkins = new ArrayList<>();
        private String defaultValue;
        private String help;
        private boolean secret;
        private boolean flag;
        private boolean repeatable;
        private boolean urlCredentials;

        private Builder(String name, Group group, Parser<T> parser) {
            this.name = name;
            this.group = group;
            this.parser = parser;
        }

        /** Command-line options; the front CLI is implied. */
        public Builder<T> option(String... names) {
            options.addAll(List.of(names));
            fronts.add(Front.CLI);
            return this;
        }

        public Builder<T> env(String... names) {
            envs.addAll(List.of(names));
            return this;
        }

        /** Read by the command line without an option of its own (secrets: environment or profile only). */
        public Builder<T> cli() {
            fronts.add(Front.CLI);
            return this;
        }

        public Builder<T> lambda() {
            fronts.add(Front.LAMBDA);
            return this;
        }

        public Builder<T> jenkins(JenkinsField... fields) {
            jenkins.addAll(List.of(fields));
            fronts.add(Front.JENKINS);
            return this;
        }

        public Builder<T> defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> help(String text) {
            this.help = text;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> flag() {
            this.flag = true;
            return this;
        }

        public Builder<T> repeatable() {
            this.repeatable = true;
            return this;
        }

        public Builder<T> urlCredentials() {
            this.urlCredentials = true;
            return this;
        }

        public Setting<T> build() {
            return new Setting<>(this);
        }
    }
}
