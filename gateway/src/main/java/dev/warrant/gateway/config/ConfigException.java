package dev.warrant.gateway.config;

/** A configuration error: one line that names the setting and what is wrong with it. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
