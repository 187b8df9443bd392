package dev.warrant.delegation;

import java.util.Objects;

/**
 * One request argument fact: {@code arg(key, value)} or {@code arg_path(key, path)}. The value is a String,
 * Long or Boolean; flattening (dotted keys, one fact per array element) is the policies module's job.
 */
public record Arg(String key, Object value) {
    public Arg {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("argument key must not be empty");
        }
        Objects.requireNonNull(value, "value");
        if (value instanceof Integer i) {
            value = i.longValue();
        }
        if (!(value instanceof String) && !(value instanceof Long) && !(value instanceof Boolean)) {
            throw new IllegalArgumentException("argument '" + key + "' must be a String, Long or Boolean, got "
                    + value.getClass().getSimpleName());
        }
    }

    public static Arg of(String key, String value) {
        return new Arg(key, value);
    }

    public static Arg of(String key, long value) {
        return new Arg(key, value);
    }

    public static Arg of(String key, boolean value) {
        return new Arg(key, value);
    }
}
