package dev.warrant.gateway.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One identity provider whose JWT access tokens the gateway accepts.
 *
 * @param issuer     the exact {@code iss} its tokens carry; https (http only on a loopback host, for tests)
 * @param jwksUri    where its keys are; when empty, read from its discovery document
 * @param algorithms the JWS algorithms its tokens may use (asymmetric only, see {@link JwsAlgorithm})
 * @param keyRefresh the shortest time between two fetches of its keys on an unknown {@code kid} (default
 *                   {@link #DEFAULT_KEY_REFRESH}): what a flood of made-up kids can cost the IdP, and the longest a
 *                   freshly rotated key may be refused
 * @throws IllegalArgumentException naming the field ({@code issuer: ...}) and what is wrong
 */
public record IssuerSettings(String issuer, Optional<URI> jwksUri, List<JwsAlgorithm> algorithms, Duration keyRefresh) {

    public static final Duration DEFAULT_KEY_REFRESH = Duration.ofSeconds(30);

    public IssuerSettings(String issuer, Optional<URI> jwksUri, List<JwsAlgorithm> algorithms) {
        this(issuer, jwksUri, algorithms, DEFAULT_KEY_REFRESH);
    }

    public IssuerSettings {
        keyRefresh = keyRefresh == null ? DEFAULT_KEY_REFRESH : keyRefresh;
        if (keyRefresh.isNegative() || keyRefresh.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("keyRefresh: between PT0S and PT1H");
        }
        Objects.requireNonNull(issuer, "issuer");
        jwksUri = jwksUri == null ? Optional.empty() : jwksUri;
        URI parsed = uri(issuer, "issuer");
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("issuer: must have no query or fragment: " + issuer);
        }
        httpsOrLoopback(parsed, "issuer");
        jwksUri.ifPresent(u -> httpsOrLoopback(u, "jwksUri"));
        algorithms = algorithms == null || algorithms.isEmpty() ? JwsAlgorithm.DEFAULTS
                : List.copyOf(new LinkedHashSet<>(algorithms));
    }

    /** The issuer with the default algorithms and its keys found by discovery. */
    public static IssuerSettings discovered(String issuer) {
        return new IssuerSettings(issuer, Optional.empty(), JwsAlgorithm.DEFAULTS);
    }

    /** {@code value} as an absolute URL with a host, else an IllegalArgumentException naming {@code field}. */
    public static URI uri(String value, String field) {
        try {
            URI u = new URI(value);
            if (!u.isAbsolute() || u.getHost() == null) {
                throw new IllegalArgumentException(field + ": must be an absolute http(s) URL: " + value);
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + ": not a URL: " + e.getReason());
        }
    }

    /**
     * Keys and discovery documents travel over TLS: a plain-HTTP JWKS lets anyone on the path substitute keys.
     * Plain HTTP is left for loopback hosts only, where tests run their IdP.
     */
    public static void httpsOrLoopback(URI u, String field) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null) {
            throw new IllegalArgumentException(field + ": must be an absolute http(s) URL: " + u);
        }
        if (scheme.equals("https") || scheme.equals("http") && isLoopback(u.getHost())) {
            return;
        }
        throw new IllegalArgumentException(field + ": must be https (http only for a loopback host): " + u);
    }

    /** Literal loopback names and addresses only: no DNS lookup decides whether TLS may be skipped. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
