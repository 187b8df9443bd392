package dev.warrant.gateway.inspect;

import dev.warrant.delegation.Identity;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * A delegation chain as the nested {@code act} claims of RFC 8693 §4.1, for tooling that speaks them: {@code sub}
 * is the authority agent (or the IdP identity the token records, with its {@code iss} and the agent as
 * {@code warrant_agent}); the outermost {@code act} is the current holder, each earlier delegatee nested inside.
 */
public final class ActClaims {

    private ActClaims() {
    }

    /** @param chain the agent, then each delegatee in order (as {@code TokenInspector} reads it) */
    public static JsonObject of(List<String> chain, Optional<Identity> identity) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a chain has at least its agent");
        }
        JsonObject claims = new JsonObject();
        if (identity.isPresent()) {
            claims.put("sub", identity.get().subject())
                    .put("iss", identity.get().issuer())
                    .put("warrant_agent", chain.get(0));
        } else {
            claims.put("sub", chain.get(0));
        }
        // Built from the first delegatee outwards, so the last one (the holder) ends up outermost.
        JsonObject act = null;
        for (String actor : chain.subList(1, chain.size())) {
            JsonObject next = new JsonObject().put("sub", actor);
            if (act != null) {
                next.put("act", act);
            }
            act = next;
        }
        if (act != null) {
            claims.put("act", act);
        }
        return claims;
    }
}
