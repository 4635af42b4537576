package io.pypub.server.cli;

import io.pypub.core.config.Config;
import io.pypub.core.config.ConfigException;
import io.pypub.core.config.Front;
import io.pypub.core.config.Profile;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pypub config show}: the effective settings and where each came from. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Inspect the settings pypub runs with.",
        subcommands = ConfigCommand.Show.class)
final class ConfigCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective settings and where each came from (option, environment, profile, default); "
                    + "secrets are masked. Takes every setting's option, so it shows what a command given the same options would use.")
    static final class Show implements Callable<Integer>, CliSettings.Uses {
        @Spec
        CommandSpec spec;

        @Override
        public List<Setting<?>> settings() {
            return Settings.readBy(Front.CLI);
        }

        @Override
        public Integer call() {
            Config config = CliSettings.config(spec);
            Profile profile = config.profile();
            System.out.println("configuration file: " + Profile.configFile(CliSettings.env(spec)));
            System.out.println("profile: " + (profile.name() == null ? "none (--profile NAME or " + Settings.PROFILE_ENV + "=NAME)"
                    : profile.name()));
            List<String> errors = new ArrayList<>();
            int width = Settings.all().stream().mapToInt(s -> s.name().length()).max().orElse(20);
            for (Config.Value v : config.values()) {
                if (!v.setting().readBy(Front.CLI)) {
                    continue;
                }
                String problem = "";
                try {
                    config.get(v.setting());
                } catch (ConfigException e) {
                    problem = "   INVALID";
                    errors.add(e.getMessage());
                }
                System.out.printf("%-" + width + "s  %-40s  %s%s%n", v.setting().name(), v.shown(), v.origin(), problem);
            }
            if (!errors.isEmpty()) {
                throw new ConfigException(errors.get(0) + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more marked INVALID above)" : ""));
            }
            return 0;
        }
    }
}
