package dev.warrant.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.OnCallerContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IdP's JWT access token (a bearer string) to a {@link VerifiedJwt}, or a refusal with its own reason code
 * (docs/ARCHITECTURE.md §11.28). In order: size; compact JWS shape (a JWE is refused); header {@code alg} ({@code
 * none} and HMAC refused before anything else is read); {@code iss} from the unverified payload, which picks one
 * configured issuer and its algorithm allow-list and keys; the key with the header's {@code kid}; the signature;
 * then {@code exp}, {@code nbf}, {@code iat} (with {@link Limits#clockSkew()}), {@code aud} containing the
 * resource, and {@code sub}. Keys embedded in or pointed to by the token ({@code jwk}, {@code jku}, {@code x5u},
 * {@code x5c}) are never used.
 *
 * <p>Concurrency: thread-safe; call from any event loop. The signature check runs on a worker thread (RSA and
 * EC verification cost 0.05 to 0.5 ms); the returned future completes on the caller's context.
 */
public final class JwtVerifier {

    /**
     * @param maxTokenChars  longer bearers are refused before decoding
     * @param maxClaimValues the most JSON values (objects, arrays and scalars) one header or payload may hold
     * @param maxClaimDepth  the deepest nesting of a header or payload
     * @param clockSkew      how far the IdP's clock may be from ours for {@code exp}, {@code nbf} and {@code iat}
     */
    public record Limits(int maxTokenChars, int maxClaimValues, int maxClaimDepth, Duration clockSkew) {
        /** 60 s of skew: NTP-synchronised hosts differ by far less; more would extend every token's life. */
        public static final Limits DEFAULTS = new Limits(16 * 1024, 1000, 10, Duration.ofSeconds(60));

        public Limits {
            Objects.requireNonNull(clockSkew, "clockSkew");
            if (maxTokenChars < 64 || maxClaimValues < 8 || maxClaimDepth < 2 || clockSkew.isNegative()) {
                throw new IllegalArgumentException("limits too small to read any token");
            }
        }
    }

    private final Vertx vertx;
    private final String resource;
    private final Map<String, JwksSource> sources;
    private final Clock clock;
    private final Limits limits;
    private final JwtClaims json;
    private final HttpClient ownedClient;

    /**
     * @param resource the audience every token must name (this gateway's RFC 8707 resource identifier)
     * @param sources  one per accepted issuer
     */
    public JwtVerifier(Vertx vertx, String resource, List<JwksSource> sources, Clock clock, Limits limits) {
        this(vertx, resource, sources, clock, limits, null);
    }

    private JwtVerifier(Vertx vertx, String resource, List<JwksSource> sources, Clock clock, Limits limits,
                        HttpClient ownedClient) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.resource = Objects.requireNonNull(resource, "resource");
        Map<String, JwksSource> byIssuer = new LinkedHashMap<>();
        for (JwksSource s : sources) {
            if (byIssuer.put(s.issuer().issuer(), s) != null) {
                throw new IllegalArgumentException("issuer listed twice: " + s.issuer().issuer());
            }
        }
        if (byIssuer.isEmpty()) {
            throw new IllegalArgumentException("at least one issuer required");
        }
        this.sources = Map.copyOf(byIssuer);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.json = new JwtClaims(limits.maxClaimValues(), limits.maxClaimDepth());
        this.ownedClient = ownedClient;
    }

    /**
     * The verifier for {@code identity:}, with its own HTTP client for the IdPs (closed by {@link #close()}) and
     * the default limits.
     */
    public static JwtVerifier create(Vertx vertx, IdentitySettings settings, Clock clock) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setVerifyHost(true));
        List<JwksSource> sources = settings.issuers().stream()
                .map(i -> new JwksSource(vertx, client, i, clock, JwksSource.Limits.DEFAULTS.withMinRefreshInterval(i.keyRefresh())))
                .toList();
        return new JwtVerifier(vertx, settings.resource(), sources, clock, Limits.DEFAULTS, client);
    }

    /** The audience tokens must name. */
    public String resource() {
        return resource;
    }

    /** The accepted issuers, as configured. */
    public List<IssuerSettings> issuers() {
        return sources.values().stream().map(JwksSource::issuer).toList();
    }

    /**
     * Fails with a {@link WarrantException} whose reason is one of the {@code jwt_*} codes or {@code
     * jwks_unavailable} (all authentication reasons, HTTP 401).
     */
    public Future<VerifiedJwt> verify(String token) {
        Unverified u;
        try {
            u = read(token);
        } catch (WarrantException e) {
            return Future.failedFuture(e);
        }
        Future<VerifiedJwt> verified = u.source.keys(u.kid)
                .compose(keys -> {
                    JWK key = SigningKeys.choose(keys, u.alg, u.kid);
                    return vertx.executeBlocking(() -> signatureValid(u.jws, key), false);
                })
                .map(valid -> {
                    if (!valid) {
                        throw WarrantException.of(Reason.JWT_SIGNATURE_INVALID, "signature does not verify with key " + Shown.of(u.kid));
                    }
                    return checkClaims(u);
                })
                .recover(e -> Future.failedFuture(e instanceof WarrantException w ? w
                        : WarrantException.of(Reason.JWT_MALFORMED, "token could not be verified")));
        return OnCallerContext.future(verified.toCompletionStage());
    }

    /**
     * Reads every issuer's keys now (see {@link JwksSource#prefetch()}); call it at start so the first token
     * does not wait for the IdP. Never fails.
     */
    public Future<Void> prefetch() {
        return Future.join(sources.values().stream().map(JwksSource::prefetch).toList()).mapEmpty();
    }

    /** Closes the HTTP client {@link #create} made; nothing otherwise. */
    public Future<Void> close() {
        return ownedClient == null ? Future.succeededFuture() : ownedClient.close();
    }

    /** What is read before the key is known; nothing in it is trusted yet. */
    private record Unverified(JWSObject jws, JwsAlgorithm alg, String kid, Map<String, Object> claims,
                              JwksSource source) {
    }

    private Unverified read(String token) {
        if (token == null || token.isEmpty()) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "empty token");
        }
        if (token.length() > limits.maxTokenChars()) {
            throw WarrantException.of(Reason.JWT_TOO_LARGE, "token longer than " + limits.maxTokenChars() + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length == 5) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "encrypted tokens (JWE) are not accepted");
        }
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "not a compact JWS (three dot-separated parts)");
        }
        Map<String, Object> header = json.parse(decode(parts[0], "header"), "header");
        String algName = JwtClaims.string(header, "alg")
                .orElseThrow(() -> WarrantException.of(Reason.JWT_MALFORMED, "header has no alg"));
        JwsAlgorithm alg = algorithm(algName);
        if (header.containsKey("crit")) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "critical header parameters are not supported");
        }
        if (header.containsKey("enc")) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "encrypted tokens (JWE) are not accepted");
        }
        if (parts[2].isEmpty()) {
            throw WarrantException.of(Reason.JWT_SIGNATURE_INVALID, "token carries no signature");
        }
        Map<String, Object> claims = json.parse(decode(parts[1], "payload"), "payload");
        String iss = JwtClaims.string(claims, "iss")
                .orElseThrow(() -> WarrantException.of(Reason.JWT_ISSUER_UNKNOWN, "token has no iss"));
        JwksSource source = sources.get(iss);
        if (source == null) {
            throw WarrantException.of(Reason.JWT_ISSUER_UNKNOWN, "iss is not a configured issuer");
        }
        if (!source.issuer().algorithms().contains(alg)) {
            throw WarrantException.of(Reason.JWT_ALGORITHM_REFUSED, "alg " + algName + " is not allowed for " + iss);
        }
        String kid = JwtClaims.string(header, "kid")
                .orElseThrow(() -> WarrantException.of(Reason.JWT_KEY_UNKNOWN, "header has no kid"));
        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "not a readable JWS");
        }
        // nimbus parsed the header on its own: it must read what we read, or two parsers disagree about a token.
        if (!algName.equals(jws.getHeader().getAlgorithm().getName()) || !kid.equals(jws.getHeader().getKeyID())) {
            throw WarrantException.of(Reason.JWT_MALFORMED, "ambiguous header");
        }
        return new Unverified(jws, alg, kid, claims, source);
    }

    /** none and HMAC first and by name, so no configuration and no key can ever make them verify. */
    private static JwsAlgorithm algorithm(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("NONE")) {
            throw WarrantException.of(Reason.JWT_ALGORITHM_REFUSED, "alg none is never accepted");
        }
        if (upper.startsWith("HS")) {
            throw WarrantException.of(Reason.JWT_ALGORITHM_REFUSED, "HMAC algorithms are never accepted");
        }
        return JwsAlgorithm.find(name).orElseThrow(() -> WarrantException.of(Reason.JWT_ALGORITHM_REFUSED,
                "alg " + Shown.of(name) + " is not supported"));
    }

    private static byte[] decode(String part, String what) {
        for (int i = 0; i < part.length(); i++) {
            if (!BearerFormat.isBase64Url(part.charAt(i))) {
                throw WarrantException.of(Reason.JWT_MALFORMED, what + " is not base64url");
            }
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw WarrantException.of(Reason.JWT_MALFORMED, what + " is not base64url");
        }
    }

    private static boolean signatureValid(JWSObject jws, JWK key) {
        try {
            JWSVerifier verifier = SigningKeys.verifier(key);
            return jws.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }

    private VerifiedJwt checkClaims(Unverified u) {
        Map<String, Object> claims = u.claims;
        Instant now = clock.instant();
        Duration skew = limits.clockSkew();
        Instant exp = JwtClaims.numericDate(claims, "exp")
                .orElseThrow(() -> WarrantException.of(Reason.JWT_CLAIMS_INVALID, "exp required"));
        if (!now.isBefore(exp.plus(skew))) {
            throw WarrantException.of(Reason.JWT_EXPIRED, "expired at " + exp);
        }
        Optional<Instant> nbf = JwtClaims.numericDate(claims, "nbf");
        if (nbf.isPresent() && nbf.get().isAfter(now.plus(skew))) {
            throw WarrantException.of(Reason.JWT_NOT_YET_VALID, "not valid before " + nbf.get());
        }
        Optional<Instant> iat = JwtClaims.numericDate(claims, "iat");
        if (iat.isPresent() && iat.get().isAfter(now.plus(skew))) {
            throw WarrantException.of(Reason.JWT_NOT_YET_VALID, "issued in the future, at " + iat.get());
        }
        if (!JwtClaims.audience(claims).contains(resource)) {
            throw WarrantException.of(Reason.JWT_AUDIENCE_MISMATCH, "aud does not name " + resource);
        }
        String sub = JwtClaims.string(claims, "sub").filter(s -> !s.isBlank())
                .orElseThrow(() -> WarrantException.of(Reason.JWT_CLAIMS_INVALID, "sub required"));
        Optional<String> jti = JwtClaims.string(claims, "jti");
        return new VerifiedJwt(u.source.issuer().issuer(), sub, exp, nbf, iat, jti, u.kid, u.alg, claims);
    }
}
