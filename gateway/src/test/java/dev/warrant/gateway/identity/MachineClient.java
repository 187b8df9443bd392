package dev.warrant.gateway.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A machine agent registered at the test {@link IdentityProvider}: it authenticates with client credentials and
 * may ask for tokens for the given RFC 8707 resources (the first is its default) with scopes out of {@code scope}.
 *
 * @param alg       the JWS algorithm of its access tokens: {@code RS256} or {@code ES256}
 * @param claims    extra claims put into each of its access tokens (the standard ones cannot be overridden)
 */
public record MachineClient(String id, String secret, String scope, List<String> resources, String alg,
                            Duration tokenTtl, Map<String, Object> claims) {

    public MachineClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        resources = List.copyOf(resources);
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("a machine client needs at least one resource");
        }
        if (!alg.equals("RS256") && !alg.equals("ES256")) {
            throw new IllegalArgumentException("the provider signs with RS256 or ES256, not " + alg);
        }
        if (tokenTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("token lifetime below one second");
        }
        claims = Map.copyOf(claims);
    }

    /** RS256 tokens that live five minutes and carry no extra claims. */
    public static MachineClient of(String id, String secret, String scope, String... resources) {
        return new MachineClient(id, secret, scope, List.of(resources), "RS256", Duration.ofMinutes(5), Map.of());
    }

    public MachineClient signedWith(String algorithm) {
        return new MachineClient(id, secret, scope, resources, algorithm, tokenTtl, claims);
    }

    public MachineClient withTokenTtl(Duration ttl) {
        return new MachineClient(id, secret, scope, resources, alg, ttl, claims);
    }

    public MachineClient withClaims(Map<String, Object> extra) {
        return new MachineClient(id, secret, scope, resources, alg, tokenTtl, extra);
    }

    /** This client as an entry of {@code node-tools/idp/idp.mjs}'s config file. */
    JsonObject toJson() {
        return new JsonObject()
                .put("client_id", id)
                .put("client_secret", secret)
                .put("scope", scope)
                .put("resources", new JsonArray(resources))
                .put("alg", alg)
                .put("accessTokenTTL", tokenTtl.toSeconds())
                .put("claims", new JsonObject(claims));
    }
}
