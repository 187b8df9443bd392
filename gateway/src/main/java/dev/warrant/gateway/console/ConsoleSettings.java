package dev.warrant.gateway.console;

import java.time.Duration;
import java.util.Optional;

/**
 * The operator console ({@code console:} in the config; docs/ARCHITECTURE.md §12).
 *
 * @param enabled     serve {@code /console/} at all (default true)
 * @param sessionTtl  a sign-in lasts at most this long, however active (default 8 h)
 * @param idleTimeout a sign-in unused this long ends (default 30 min)
 * @param traceUrl    where an audit line's trace id links to, with {@code {traceId}} in it (a Jaeger or Tempo
 *                    URL); none by default, the id is then shown as text
 * @param signIn      sign-in through the identity provider besides a pasted token; none by default
 */
public record ConsoleSettings(boolean enabled, Duration sessionTtl, Duration idleTimeout, Optional<String> traceUrl,
                              Optional<IdpSignInSettings> signIn) {

    public ConsoleSettings {
        if (sessionTtl == null || sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("console.sessionTtl must be positive");
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("console.idleTimeout must be positive");
        }
        traceUrl = traceUrl == null ? Optional.empty() : traceUrl;
        signIn = signIn == null ? Optional.empty() : signIn;
        if (traceUrl.isPresent() && (!traceUrl.get().contains("{traceId}")
                || !(traceUrl.get().startsWith("https://") || traceUrl.get().startsWith("http://")))) {
            throw new IllegalArgumentException("console.traceUrl must be an http(s) URL containing {traceId}");
        }
    }

    public static ConsoleSettings defaults() {
        return new ConsoleSettings(true, Duration.ofHours(8), Duration.ofMinutes(30), Optional.empty(),
                Optional.empty());
    }
}
