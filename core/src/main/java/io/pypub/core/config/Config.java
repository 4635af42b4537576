package io.pypub.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective settings of one run: for each setting its text and where it came from. Precedence,
 * highest first: command-line option, environment variable, profile, default. Values are parsed
 * (and checked) when they are read, so a bad value of a setting a command does not use is not its
 * error; {@code pypub config show} checks them all.
 */
public final class Config {
    /** A setting's text (null when unset) and its origin. */
    public record Value(Setting<?> setting, String text, Origin origin) {
        /** The text for output: secrets masked. */
        public String shown() {
            return setting.show(text);
        }
    }

    private final Map<Setting<?>, Value> values;
    private final Profile profile;

    private Config(Map<Setting<?>, Value> values, Profile profile) {
        this.values = values;
        this.profile = profile;
    }

    /**
     * Resolves every setting.
     *
     * @param options texts given on the command line, by setting
     * @param env the process environment
     * @param profile the selected profile, or {@link Profile#NONE}
     */
    public static Config resolve(Map<Setting<?>, String> options, Map<String, String> env, Profile profile) {
        return resolve(Front.CLI, options, env, profile);
    }

    /** As above for one front end: a setting it does not read keeps its default, whatever the environment says. */
    private static Config resolve(Front front, Map<Setting<?>, String> options, Map<String, String> env, Profile profile) {
        Map<Setting<?>, Value> values = new LinkedHashMap<>();
        for (Setting<?> s : Settings.all()) {
            values.put(s, s.readBy(front) ? resolve(s, options, env, profile) : fallback(s));
        }
        return new Config(values, profile);
    }

    private static Value fallback(Setting<?> s) {
        return s.defaultValue() != null ? new Value(s, s.defaultValue(), Origin.DEFAULT) : new Value(s, null, Origin.UNSET);
    }

    private static Value resolve(Setting<?> s, Map<Setting<?>, String> options, Map<String, String> env, Profile profile) {
        String given = options.get(s);
        if (given != null) {
            return new Value(s, given, Origin.option(s.option()));
        }
        for (String variable : s.envs()) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return new Value(s, value, Origin.environment(variable));
            }
        }
        String fromProfile = profile.values().get(s);
        if (fromProfile != null) {
            return new Value(s, fromProfile, profile.origin());
        }
        return fallback(s);
    }

    /**
     * The Lambda function's settings: from the environment only (it has neither options nor profiles),
     * and only those the catalogue marks as read by Lambda; the others keep their defaults.
     */
    public static Config fromEnvironment(Map<String, String> env) {
        return resolve(Front.LAMBDA, Map.of(), env, Profile.NONE);
    }

    /**
     * Settings from the fields of a Jenkins {@code publishPythonPackage} step and its target, by field
     * name ({@code bucket}, {@code versionTable}, ...); for a setting both hold (the stage, the Slack
     * channel) the step's value wins. Credentials ids are not values: the plugin looks the secrets up.
     */
    public static Config fromJenkins(Map<String, String> stepFields, Map<String, String> targetFields) {
        Map<Setting<?>, Value> values = new LinkedHashMap<>();
        for (Setting<?> s : Settings.all()) {
            Value v = null;
            for (JenkinsField.Owner owner : List.of(JenkinsField.Owner.STEP, JenkinsField.Owner.TARGET)) {
                Map<String, String> fields = owner == JenkinsField.Owner.STEP ? stepFields : targetFields;
                for (JenkinsField f : s.jenkins()) {
                    String text = f.owner() == owner && !f.credentialsId() ? fields.get(f.name()) : null;
                    if (v == null && text != null && !text.isBlank()) {
                        v = new Value(s, text, Origin.jenkins(f.toString()));
                    }
                }
            }
            values.put(s, v != null ? v : fallback(s));
        }
        return new Config(values, Profile.NONE);
    }

    /** The value, parsed and checked; the default if unset; null when there is neither. */
    public <T> T get(Setting<T> s) {
        Value v = value(s);
        return v.text() == null || v.text().isBlank() ? null : s.parse(v.text(), v.origin());
    }

    /** The value, which must be set: one clear error naming the setting otherwise. */
    public <T> T require(Setting<T> s, String what) {
        T value = get(s);
        if (value == null) {
            throw new ConfigException("No " + what + " configured: set " + s.describe());
        }
        return value;
    }

    public Value value(Setting<?> s) {
        Value v = values.get(s);
        if (v == null) {
            throw new IllegalArgumentException("Not a setting of this configuration: " + s.name());
        }
        return v;
    }

    public List<Value> values() {
        return List.copyOf(values.values());
    }

    public Profile profile() {
        return profile;
    }
}
