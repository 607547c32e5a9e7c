package io.dataworks.core.config;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;

/** A configuration value is missing or wrong. Always exit code 2; the message names the key and the flag. */
public final class ConfigException extends DataWorksException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(ExitCode.USAGE, message);
        this.key = key;
    }

    public ConfigException(String key, String message, Throwable cause) {
        super(ExitCode.USAGE, message, cause);
        this.key = key;
    }

    /** The configuration key at fault, e.g. {@code FRAMEWORK_SOURCE_DB_CONNECTION_STRING}. */
    public String key() {
        return key;
    }
}
