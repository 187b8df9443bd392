package dev.warrant.adapters;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation shared by the {@link UpstreamSpec} records, so a spec that exists is a usable spec. */
final class SpecChecks {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private SpecChecks() {
    }

    static String name(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("upstream name must match [a-z0-9][a-z0-9_-]{0,31}: " + name);
        }
        // The gateway exposes tools as server__tool; a "__" inside the server name would make that ambiguous.
        if (name.contains("__")) {
            throw new IllegalArgumentException("upstream name must not contain \"__\": " + name);
        }
        return name;
    }

    static Duration timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "requestTimeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + timeout);
        }
        return timeout;
    }
}
