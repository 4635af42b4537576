package io.pypub.core.config;

/**
 * A setting with a value that cannot be used, or a configuration file or profile that cannot be
 * read. Its message names the setting neutrally (its name, its command-line option, its environment
 * variable, its Jenkins field) and where the value came from, never a secret's value.
 */
public class ConfigException extends IllegalArgumentException implements io.pypub.core.error.UserError {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
