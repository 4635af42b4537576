package io.pypub.server.cli;

import io.pypub.core.config.Config;
import io.pypub.core.config.Front;
import io.pypub.core.config.Profile;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line's side of core's settings catalogue ({@link Settings}): the options of every
 * command that reads settings are made from the catalogue (names, help, environment variable,
 * default), plus {@code --profile}; after parsing, {@link #config(CommandSpec)} resolves them
 * (option > environment > profile > default).
 */
final class CliSettings {
    private CliSettings() {}

    /** A command, or a mixin of one, that reads settings. */
    interface Uses {
        List<Setting<?>> settings();
    }

    /** Adds the options of the settings each command uses, recursively. */
    static void install(CommandLine command) {
        Set<Setting<?>> used = new LinkedHashSet<>();
        if (command.getCommand() instanceof Uses uses) {
            used.addAll(uses.settings());
        }
        for (Object mixin : command.getMixins().values()) {
            if (mixin instanceof Uses uses) {
                used.addAll(uses.settings());
            }
        }
        if (!used.isEmpty()) {
            CommandSpec spec = command.getCommandSpec();
            List<String> envOnly = new ArrayList<>();
            for (Setting<?> s : used) {
                if (!s.readBy(Front.CLI)) {
                    continue;
                }
                if (s.options().isEmpty()) {
                    envOnly.add(s.env() != null ? s.env() + (s.secret() ? " (secret)" : "") + ": " + s.help()
                            : s.name() + " (profile only" + (s.secret() ? ", secret" : "") + "): " + s.help());
                    continue;
                }
                OptionSpec.Builder option = OptionSpec.builder(s.options().toArray(String[]::new))
                        .type(String.class)
                        .paramLabel(s.flag() ? "" : "<" + s.name() + ">")
                        .description(help(s));
                if (s.flag()) {
                    option.arity("0..1").fallbackValue("true").paramLabel("true|false").hideParamSyntax(false);
                }
                if (s.repeatable()) {
                    option.type(List.class).auxiliaryTypes(String.class).splitRegex(";").splitRegexSynopsisLabel(";");
                }
                spec.addOption(option.build());
            }
            spec.addOption(OptionSpec.builder(Settings.PROFILE_OPTION).type(String.class).paramLabel("<name>")
                    .description("Read settings from this profile of the configuration file (env " + Settings.PROFILE_ENV
                            + "; the file: env " + Settings.CONFIG_ENV + ", default ~/.config/pypub/config.toml). "
                            + "An option beats its environment variable, which beats the profile, which beats the default. "
                            + "See 'pypub config show'.")
                    .build());
            if (!envOnly.isEmpty()) {
                List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
                footer.add("");
                footer.add("Also read (never from the command line):");
                envOnly.forEach(line -> footer.add("  " + line));
                spec.usageMessage().footer(footer.toArray(String[]::new));
            }
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            install(sub);
        }
    }

    static String help(Setting<?> s) {
        String help = s.help().endsWith(".") ? s.help().substring(0, s.help().length() - 1) : s.help();
        StringBuilder text = new StringBuilder(help).append(" (");
        List<String> parts = new ArrayList<>();
        if (!s.envs().isEmpty()) {
            parts.add("env " + String.join(" or ", s.envs()));
        }
        if (s.defaultValue() != null) {
            parts.add("default " + s.defaultValue());
        }
        // picocli expands ${...} in descriptions: help texts are literal.
        return text.append(String.join("; ", parts)).append(").").toString().replace("${", "$${");
    }

    /** The environment of this run (tests hand one to {@link PypubCli#run(Map, String...)}). */
    static Map<String, String> env(CommandSpec spec) {
        return spec.root().userObject() instanceof PypubCli cli ? cli.env() : System.getenv();
    }

    /** The effective settings of the command {@code spec} belongs to (a command or the command of a mixin). */
    static Config config(CommandSpec spec) {
        Map<Setting<?>, String> given = new HashMap<>();
        for (Setting<?> s : Settings.all()) {
            if (s.option() != null && spec.findOption(s.option()) != null) {
                Object value = spec.findOption(s.option()).getValue();
                if (value instanceof List<?> repeated) {
                    if (!repeated.isEmpty()) { // a repeated option: its values as its environment variable holds them
                        given.put(s, String.join(";", repeated.stream().map(Object::toString).toList()));
                    }
                } else if (value != null) {
                    given.put(s, value.toString());
                }
            }
        }
        OptionSpec profile = spec.findOption(Settings.PROFILE_OPTION);
        Map<String, String> env = env(spec);
        return Config.resolve(given, env, Profile.select(profile == null ? null : (String) profile.getValue(), env));
    }
}
