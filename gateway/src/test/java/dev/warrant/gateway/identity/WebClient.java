package dev.warrant.gateway.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A web application registered at the test {@link IdentityProvider} (a confidential client using the authorization
 * code flow with PKCE): the console's sign-in. Its users' access tokens are for {@code resource}, with {@code sub}
 * the login name typed on the provider's page. They also get refresh tokens; {@code tokenTtl} is how long an access
 * token lives.
 */
public record WebClient(String id, String secret, String scope, String resource, URI redirectUri,
                        Duration tokenTtl) {

    /** This client as an entry of {@code node-tools/idp/idp.mjs}'s {@code webClients}. */
    JsonObject toJson() {
        return new JsonObject()
                .put("client_id", id)
                .put("client_secret", secret)
                .put("scope", scope)
                .put("resources", new JsonArray(List.of(resource)))
                .put("redirect_uris", new JsonArray(List.of(redirectUri.toString())))
                .put("accessTokenTTL", tokenTtl.toSeconds());
    }
}
