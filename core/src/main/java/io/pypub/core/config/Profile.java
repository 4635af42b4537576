package io.pypub.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A named set of settings from the configuration file: a TOML file
 * ({@code $PYPUB_CONFIG}, else {@code $XDG_CONFIG_HOME/pypub/config.toml}, else
 * {@code ~/.config/pypub/config.toml}) with one table per profile, keys named as the settings:
 *
 * <pre>
 * [profiles.prod]
 * bucket = "acme-python-packages"
 * region = "eu-west-1"
 * index-url = "https://pypi.example.com"
 * </pre>
 *
 * A profile is used only when named ({@code --profile NAME} or {@code PYPUB_PROFILE}), so an
 * existing file never changes what a command without one does.
 */
public record Profile(String name, Path file, Map<Setting<?>, String> values) {
    public static final Profile NONE = new Profile(null, null, Map.of());

    public Origin origin() {
        return Origin.profile(name, file.toString());
    }

    /** The configuration file this environment names, whether or not it exists. */
    public static Path configFile(Map<String, String> env) {
        String explicit = env.get(Settings.CONFIG_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit.strip());
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg.strip()) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("pypub").resolve("config.toml");
    }

    /**
     * The profile named by {@code --profile} (null if not given) or {@code PYPUB_PROFILE}, or
     * {@link #NONE}. A named profile that the file lacks, a file that cannot be read, a key that is no
     * setting or a value that is not text, number, boolean or a list: one clear error each.
     */
    public static Profile select(String option, Map<String, String> env) {
        String name = option != null && !option.isBlank() ? option.strip() : env.get(Settings.PROFILE_ENV);
        if (name == null || name.isBlank()) {
            return NONE;
        }
        name = name.strip();
        String how = option != null && !option.isBlank() ? Settings.PROFILE_OPTION + " " + name : Settings.PROFILE_ENV + "=" + name;
        Path file = configFile(env);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("Profile '" + name + "' (" + how + ") needs the configuration file " + file
                    + ", which does not exist (set " + Settings.CONFIG_ENV + " to use another file)");
        }
        Map<String, Map<Setting<?>, String>> profiles = read(file);
        Map<Setting<?>, String> values = profiles.get(name);
        if (values == null) {
            throw new ConfigException("No profile '" + name + "' (" + how + ") in " + file + "; it has "
                    + (profiles.isEmpty() ? "none" : String.join(", ", new TreeSet<>(profiles.keySet()))));
        }
        if (values.keySet().stream().anyMatch(Setting::secret) && readableByOthers(file)) {
            throw new ConfigException("Profile '" + name + "' in " + file + " holds a secret but the file can be read by other users: "
                    + "chmod 600 " + file);
        }
        return new Profile(name, file, values);
    }

    private static boolean readableByOthers(Path file) {
        try {
            var perms = Files.getPosixFilePermissions(file);
            return perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        } catch (UnsupportedOperationException | IOException e) {
            return false; // not a POSIX file system: nothing to check
        }
    }

    /** Every profile of a configuration file, checked. */
    public static Map<String, Map<Setting<?>, String>> read(Path file) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("Cannot read the configuration file " + file + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
        }
        Map<String, Map<Setting<?>, String>> profiles = new LinkedHashMap<>();
        if (root == null || root.isEmpty()) {
            return profiles;
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!key.equals("profiles")) {
                throw new ConfigException("Unknown table or key '" + key + "' in " + file + ": settings go in [profiles.NAME] tables");
            }
        }
        JsonNode all = root.path("profiles");
        if (!all.isObject()) {
            throw new ConfigException("'profiles' in " + file + " must be tables: [profiles.NAME]");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> profile = it.next();
            if (!profile.getValue().isObject()) {
                throw new ConfigException("Profile '" + profile.getKey() + "' in " + file + " must be a table: [profiles." + profile.getKey() + "]");
            }
            Map<Setting<?>, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> f = profile.getValue().fields(); f.hasNext();) {
                Map.Entry<String, JsonNode> entry = f.next();
                Setting<?> setting = Settings.named(entry.getKey()).orElseThrow(() -> new ConfigException("Unknown setting '"
                        + entry.getKey() + "' in profile '" + profile.getKey() + "' of " + file + "; settings are: "
                        + String.join(", ", Settings.all().stream().map(Setting::name).toList())));
                values.put(setting, text(entry.getValue(), setting, profile.getKey(), file));
            }
            profiles.put(profile.getKey(), values);
        }
        return profiles;
    }

    private static String text(JsonNode node, Setting<?> setting, String profile, Path file) {
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                items.add(text(item, setting, profile, file));
            }
            return String.join(setting.repeatable() ? ";" : ",", items); // a repeatable setting's entries may hold commas
        }
        if (node.isValueNode() && !node.isNull()) {
            return node.asText();
        }
        throw new ConfigException("Setting '" + setting.name() + "' in profile '" + profile + "' of " + file
                + " must be a string, number, boolean or list");
    }

    /**
     * Writes (or replaces) profile {@code name} in the configuration file, leaving every other line of
     * it as it was (comments included). The file is created if missing and, when the profile holds a
     * secret, made readable by its owner only. The new content is read back before it replaces the file,
     * so a failure leaves the old file untouched.
     */
    public static void write(Path file, String name, Map<Setting<?>, String> values, String comment) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new ConfigException("Invalid profile name '" + name + "': letters, digits, '_' and '-'");
        }
        try {
            List<String> kept = new ArrayList<>();
            if (Files.exists(file)) {
                boolean skipping = false;
                for (String line : Files.readAllLines(file)) {
                    String t = line.strip();
                    if (t.startsWith("[")) {
                        skipping = t.matches("\\[\\s*profiles\\s*\\.\\s*\"?" + name + "\"?\\s*\\](\\s*#.*)?");
                    }
                    if (!skipping) {
                        kept.add(line);
                    }
                }
                while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
                    kept.remove(kept.size() - 1);
                }
                if (!kept.isEmpty()) {
                    kept.add("");
                }
            }
            kept.add("[profiles." + name + "]" + (comment == null ? "" : " # " + comment));
            values.forEach((setting, value) -> kept.add(setting.name() + " = " + tomlString(value)));
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".config", ".toml");
            try {
                if (values.keySet().stream().anyMatch(Setting::secret)) {
                    ownerOnly(temp);
                } else if (Files.exists(file)) {
                    try {
                        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
                    } catch (UnsupportedOperationException e) {
                        // not a POSIX file system
                    }
                }
                Files.write(temp, kept);
                if (!read(temp).containsKey(name)) {
                    throw new ConfigException("Writing profile '" + name + "' into " + file + " failed: not found when read back");
                }
                Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write the configuration file " + file, e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    static String tomlString(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
